"""The baseline: a stock Plone 6.2.2 Classic UI site in a Zope instance of the same build.

Same virtualenv, same zope.conf and zope.ini templates as MissionPlace's instance
(instance/*.in: storage, cache size, waitress threads), but a site.zcml of its own
that loads only Plone 6.2.2 itself: Products.CMFPlone and the packages of the
``Plone`` distribution.  MissionPlace declares itself a Plone plugin (entry point
``z3c.autoinclude.plugin``), so Plone's automatic inclusion is turned off
(feature ``disable-autoinclude``) and the plugins that belong to the Plone release
are included one by one instead; MissionPlace and its own dependencies
(collective.easyform, collective.honeypot...) are not.

    python -m benchmarks.stock zcml SITE_ZCML              write the instance's site.zcml
    python -m benchmarks.stock create ZOPE_CONF SITE_ID    create the site (run in its own process)
"""

from benchmarks import content
from importlib.metadata import distribution
from importlib.metadata import entry_points
from importlib.metadata import PackageNotFoundError
from importlib.resources import files
import argparse
import os
import re


MEMBER = "member"
MEMBER_PASSWORD = "benchmark-member"  # noqa: S105 - a throwaway account of a throwaway site


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def plone_release():
    """Normalized names of the distributions the ``Plone`` package requires, recursively."""
    seen = set()
    todo = ["Plone"]
    while todo:
        name = todo.pop()
        if _normalize(name) in seen:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        seen.add(_normalize(name))
        for requirement in dist.requires or []:
            if "extra ==" not in requirement:
                todo.append(re.split(r"[\s;<>=!\[~(]", requirement, maxsplit=1)[0])
    return seen


def plone_plugins():
    """Module names of the Plone plugins (autoinclude target ``plone``) that belong to the Plone release."""
    release = plone_release()
    modules = set()
    for ep in entry_points(group="z3c.autoinclude.plugin"):
        if ep.name == "target" and ep.value == "plone" and _normalize(ep.dist.name) in release:
            # As plone.autoinclude names the module of a z3c.autoinclude plugin.
            modules.add(ep.dist.metadata["Name"].replace("-", "_"))
    for ep in entry_points(group="plone.autoinclude.plugin"):
        if _normalize(ep.dist.name) in release:
            targets = [e.value for e in ep.dist.entry_points if e.group == ep.group and e.name == "target"]
            named = [e.value for e in ep.dist.entry_points if e.group == ep.group and e.name == "module"]
            if not targets or "plone" in targets:
                modules.add(named[0] if named else ep.dist.metadata["Name"].replace("-", "_"))
    return sorted(modules)


def _has(module, filename):
    return (files(module) / filename).is_file()


def site_zcml():
    """The stock instance's site.zcml: Zope, Plone and Plone's own plugins, nothing of MissionPlace."""
    plugins = plone_plugins()
    lines = [
        "<configure",
        '    xmlns="http://namespaces.zope.org/zope"',
        '    xmlns:five="http://namespaces.zope.org/five"',
        '    xmlns:meta="http://namespaces.zope.org/meta"',
        "    >",
        "  <!-- Written by benchmarks/stock.py: stock Plone 6.2.2 without MissionPlace. -->",
        '  <meta:provides feature="disable-autoinclude" />',
        '  <include package="Zope2.App" />',
        '  <five:loadProducts file="meta.zcml" />',
    ]
    lines += [f'  <include package="{m}" file="meta.zcml" />' for m in plugins if _has(m, "meta.zcml")]
    lines += ["  <five:loadProducts />"]
    lines += [f'  <include package="{m}" file="configure.zcml" />' for m in plugins if _has(m, "configure.zcml")]
    lines += ["  <five:loadProductsOverrides />"]
    lines += [
        f'  <includeOverrides package="{m}" file="overrides.zcml" />' for m in plugins if _has(m, "overrides.zcml")
    ]
    lines += ["</configure>", ""]
    return "\n".join(lines)


def create(zope_conf, site_id):
    """The classic site as Plone's "Create a Plone site" makes it, a member, and the published page."""
    from missionplace_instance.app import zope_app
    from plone import api
    from plone.app.textfield.value import RichTextValue
    from plone.distribution.api import site as site_api
    from zope.component.hooks import setSite
    import transaction

    with zope_app(zope_conf) as app:
        if app.acl_users.getUserById("admin") is None:
            app.acl_users.userFolderAddUser("admin", os.environ.get("BENCH_ADMIN_PASSWORD", "admin"), ["Manager"], [])
        if site_id in app.objectIds():
            print(f"stock: the site {site_id!r} exists, reusing it", flush=True)
            return
        site = site_api.create(
            app,
            "classic",
            {"site_id": site_id, "title": "Plone", "default_language": "en", "setup_content": False},
        )
        setSite(site)
        # Straight into the user folder, as MissionPlace's demo accounts are.
        site.acl_users._doAddUser(MEMBER, MEMBER_PASSWORD, ["Member"], [])
        page = api.content.create(
            container=site,
            type="Document",
            id=content.PAGE_ID,
            title=content.TITLE,
            description=content.DESCRIPTION,
            text=RichTextValue(content.TEXT, "text/html", "text/x-html-safe"),
        )
        api.content.transition(obj=page, transition="publish")
        transaction.commit()
        print(f"stock: created the site {site_id!r} with {page.absolute_url(1)}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["zcml", "create"])
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "zcml":
        with open(args.paths[0], "w") as out:
            out.write(site_zcml())
    else:
        create(*args.paths)


if __name__ == "__main__":
    main()
