"""Upgrade the fixture's site with the current code and describe it beside a new site: run by test_upgrade.py.

    python upgrade_site.py etc/zope.conf OLD_SITE_ID OUT.json

In one Zope process of its own (its own database: a copy of the fixture), it
upgrades OLD_SITE_ID as `missionplace-instance upgrade` does (portal_setup's
upgradeProfile), creates a new site ``fresh`` with the current code (demo
content and the fixture's extras too), and writes for both what an upgrade
must make equal: profile versions, pending upgrades, types, workflows and
chains, placeful policies, the catalog, registry records, local components,
PAS plugins, actions, the forms' stored models, the classes that places'
records name; and what a few real reads answer.  It commits to the copy.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import system
from pathlib import Path
from Testing.makerequest import makerequest
from zope.globalrequest import setRequest
import io
import json
import os
import pickletools
import re
import sys
import time
import transaction


sys.path.insert(0, str(Path(__file__).parent))

FRESH = "fresh"
PROFILE = "missionplace:default"
CANDIDATURE = "en/candiweb/candidatures/fra-human-rights-council-2028-2030"
REGISTRY_PREFIXES = (
    "missionplace",
    "plone.app.discussion.interfaces.IDiscussionSettings",
    "plone.site_logo",
    # Caching (issue 11): rulesets, operations, purging.
    "plone.caching",
    "plone.app.caching",
    "plone.cachepurging",
)


def plain(value):
    """``value`` as JSON can hold it: sequences as lists, mappings as dicts, the rest as text."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    return str(value)


def _dotted(obj):
    return f"{type(obj).__module__}.{type(obj).__name__}"


def profiles(site):
    setup = site.portal_setup
    versions = {}
    for info in setup.listProfileInfo():
        version = setup.getLastVersionForProfile(info["id"])
        if version != "unknown":
            versions[info["id"]] = ".".join(version) if isinstance(version, tuple) else version
    return versions


def types(site):
    found = {}
    for fti in site.portal_types.listTypeInfo():
        found[fti.getId()] = {
            "meta_type": fti.meta_type,
            "properties": plain(dict(fti.propertyItems())),
            "actions": [
                [action.getId(), action.getActionExpression(), action.visible, plain(action.permissions)]
                for action in fti.listActions()
            ],
        }
    return found


def _guard(guard):
    if guard is None:
        return None
    return [plain(guard.roles), plain(guard.permissions), plain(guard.groups), guard.getExprText()]


def workflows(site):
    found = {}
    for workflow in site.portal_workflow.objectValues():
        states = {}
        for state in workflow.states.objectValues():
            states[state.getId()] = {
                "title": state.title,
                "description": state.description,
                "transitions": sorted(state.transitions),
                # A list: acquired; a tuple: not acquired (DCWorkflow's own convention).
                "permissions": {
                    perm: [isinstance(roles, list), sorted(roles)]
                    for perm, roles in sorted((state.permission_roles or {}).items())
                },
            }
        transitions = {
            transition.getId(): {
                "title": transition.title,
                "new_state": transition.new_state_id,
                "trigger": transition.trigger_type,
                "action": [transition.actbox_name, transition.actbox_url, transition.actbox_category],
                "guard": _guard(transition.guard),
            }
            for transition in workflow.transitions.objectValues()
        }
        variables = {
            variable.getId(): [
                variable.description,
                variable.getDefaultExprText(),
                variable.for_status,
                variable.update_always,
                _guard(variable.info_guard),
            ]
            for variable in workflow.variables.objectValues()
        }
        found[workflow.getId()] = {
            "title": workflow.title,
            "description": workflow.description,
            "initial_state": workflow.initial_state,
            "state_variable": workflow.state_var,
            "manager_bypass": bool(workflow.manager_bypass),
            "permissions": sorted(workflow.permissions),
            "states": states,
            "transitions": transitions,
            "variables": variables,
            "worklists": sorted(workflow.worklists.objectIds()),
        }
    return found


def chains(site):
    tool = site.portal_workflow
    return {"default": list(tool.getDefaultChain()), "by_type": {t: list(c) for t, c in tool.listChainOverrides()}}


def placeful(site):
    tool = site.portal_placeful_workflow
    return {
        policy.getId(): {
            "title": policy.getTitle(),
            "default": plain(policy._default_chain),
            "chains": plain(dict(policy._chains_by_type or {})),
        }
        for policy in tool.objectValues()
    }


def _generated(value):
    # Dexterity's generated schemas are named after the site and when their type last changed.
    return re.sub(r"^plone\.dexterity\.schema\.generated\..*_0_", "plone.dexterity.schema.generated.SITE_0_", value)


def catalog(site):
    tool = site.portal_catalog
    root = "/".join(site.getPhysicalPath())
    items = {}
    for brain in tool.unrestrictedSearchResults(path=root):
        data = tool.getIndexDataForRID(brain.getRID())
        # A comment's id is the time it was made: the fixture has one comment per item.
        path = re.sub(r"\+\+conversation\+\+default/\d+$", "++conversation++default/COMMENT", brain.getPath())
        items[path[len(root) :].lstrip("/")] = {
            "portal_type": data.get("portal_type"),
            "review_state": data.get("review_state"),
            "object_provides": sorted(_generated(value) for value in data.get("object_provides") or ()),
            "allowedRolesAndUsers": sorted(data.get("allowedRolesAndUsers") or ()),
            "place_grants": sorted(data.get("place_grants") or ()),
            "review_grants": sorted(data.get("review_grants") or ()),
        }
    return {
        "indexes": {
            index.getId(): [index.meta_type, plain(index.getIndexSourceNames())] for index in tool.getIndexObjects()
        },
        "columns": sorted(tool.schema()),
        "object_provides": sorted({_generated(value) for value in tool.Indexes["object_provides"].uniqueValues()}),
        "items": items,
    }


def registry(site):
    records = site.portal_registry.records
    return {name: plain(records[name].value) for name in records.keys() if name.startswith(REGISTRY_PREFIXES)}


def components(site):
    manager = site.getSiteManager()
    utilities = sorted(
        [registration.provided.__identifier__, registration.name, _dotted(registration.component)]
        for registration in manager.registeredUtilities()
    )
    adapters = sorted(
        [
            [spec.__identifier__ for spec in registration.required],
            registration.provided.__identifier__,
            registration.name,
        ]
        for registration in manager.registeredAdapters()
    )
    return {"utilities": utilities, "adapters": adapters}


def plugins(site):
    acl = site.acl_users
    active = {}
    for info in acl.plugins.listPluginTypeInfo():
        active[info["id"]] = list(acl.plugins.listPluginIds(info["interface"]))
    return {"objects": {plugin.getId(): _dotted(plugin) for plugin in acl.objectValues()}, "active": active}


def actions(site):
    found = {}
    for category in site.portal_actions.objectValues():
        for action in category.objectValues():
            found[f"{category.getId()}/{action.getId()}"] = plain(dict(action.propertyItems()))
    return found


def forms(site):
    """The stored field and action models of every form (their action classes are named in them)."""
    from plone import api

    root = "/".join(site.getPhysicalPath())
    found = {}
    for brain in api.content.find(context=site, portal_type="EasyForm", unrestricted=True):
        form = brain._unrestrictedGetObject()
        found[brain.getPath()[len(root) :].lstrip("/")] = {
            "fields_model": form.fields_model,
            "actions_model": form.actions_model,
        }
    return found


def _classes_in_record(obj):
    """The dotted names of the classes that ``obj``'s record in the database names (committed data)."""
    data, _serial = obj._p_jar.db().storage.load(obj._p_oid)
    stream = io.BytesIO(data)
    found = set()
    # A record is two pickles: the class, then the state (with its references' classes).
    while stream.tell() < len(data):
        strings = []
        for opcode, arg, _position in pickletools.genops(stream):
            if opcode.name == "GLOBAL":
                found.add(arg.replace(" ", "."))
            elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
                found.add(".".join(strings[-2:]))
            elif isinstance(arg, str):
                strings.append(arg)
    return found


def stored(site):
    """Per place: the MissionPlace classes its record and its membership's name (committed data)."""
    from missionplace.interfaces import IPlace
    from missionplace.places import membership
    from plone import api

    root = "/".join(site.getPhysicalPath())
    found = {}
    for brain in api.content.find(context=site, object_provides=IPlace.__identifier__, unrestricted=True):
        place = brain._unrestrictedGetObject()
        own = membership.own_membership(place)
        if own is not None:
            names = _classes_in_record(place) | _classes_in_record(own)
            found[brain.getPath()[len(root) :].lstrip("/")] = sorted(n for n in names if n.startswith("missionplace"))
    return found


def describe(site):
    from zope.component.hooks import setSite

    setSite(site)
    setup = site.portal_setup
    return {
        "profiles": profiles(site),
        "version": setup.getLastVersionForProfile(PROFILE),
        "code_version": setup.getVersionForProfile(PROFILE),
        "pending": [step.title for step in setup.listUpgrades(PROFILE, simple=True)],
        "types": types(site),
        "workflows": workflows(site),
        "chains": chains(site),
        "placeful": placeful(site),
        "catalog": catalog(site),
        "registry": registry(site),
        "components": components(site),
        "plugins": plugins(site),
        "actions": actions(site),
        "forms": forms(site),
        "stored": stored(site),
        "reads": reads(site),
    }


def _election_of(candidature):
    """The id of the election a candidature is for (a relation: candiweb.records.related), or None."""
    from missionplace.candiweb import records

    election = records.related(candidature, "election")
    return election.getId() if election is not None else None


def reads(site):
    """What people see, through the code: members of a place, a candidature's election, a draft, a comment."""
    from fixture_extras import COMMENTED
    from fixture_extras import DRAFT
    from missionplace.places import membership
    from plone import api
    from plone.app.discussion.interfaces import IConversation

    place = site.unrestrictedTraverse("en/candiweb")
    draft = place[DRAFT]
    found = {
        "members": {entry["principal"]: entry["role"] for entry in membership.members(place)},
        "election": _election_of(site.unrestrictedTraverse(CANDIDATURE)),
        "draft_state": api.content.get_state(draft),
        "draft_mission": getattr(draft, "mission", None),
    }
    found["draft_seen_by"] = {}
    found["draft_found_by"] = {}
    for user in ("editor-fra", "focal-fra", "moderator", "editor-bra", "delegate-ken"):
        found["draft_seen_by"][user] = bool(api.user.has_permission("View", username=user, obj=draft))
        with api.env.adopt_user(username=user):
            found["draft_found_by"][user] = len(api.content.find(context=place, id=DRAFT))
    comment = next(iter(IConversation(place[COMMENTED]).values()))
    found["comment_state"] = api.content.get_state(comment)
    found["comment_seen_by"] = {
        user: bool(api.user.has_permission("View", username=user, obj=comment))
        for user in ("editor-bra", "delegate-ken", "moderator")
    }
    with api.env.adopt_roles(["Anonymous"]):
        found["comment_seen_by"]["anonymous"] = bool(api.user.has_permission("View", obj=comment))
    return found


def main(zope_conf, site_id, out):
    os.environ["MAILHOST_QUEUE_ONLY"] = "1"
    from fixture_extras import add_extras
    from missionplace_instance import site as site_script
    from missionplace_instance.upgrade import upgrade
    from zope.component.hooks import setSite
    from Zope2.Startup.run import make_wsgi_app
    import Zope2

    started = time.monotonic()
    make_wsgi_app({}, zope_conf)
    app = makerequest(Zope2.app())
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    newSecurityManager(None, system)
    timings = {"zope": time.monotonic() - started}
    try:
        old = app[site_id]
        setSite(old)
        upgrade(old, out=lambda line: print(line, flush=True))
        # Committed as `missionplace-instance upgrade` does (to a copy): what is stored can be read back.
        transaction.commit()
        timings["upgrade"] = time.monotonic() - started - sum(timings.values())
        upgraded = describe(old)
        timings["describe"] = time.monotonic() - started - sum(timings.values())
        setSite(None)
        site_script.create_site(app, FRESH, demo=True)
        fresh = app[FRESH]
        setSite(fresh)
        add_extras(fresh)
        transaction.commit()
        timings["fresh site"] = time.monotonic() - started - sum(timings.values())
        described = describe(fresh)
        timings["describe fresh"] = time.monotonic() - started - sum(timings.values())
        result = {"upgraded": upgraded, "fresh": described, "timings": timings}
        Path(out).write_text(json.dumps(result, indent=1, sort_keys=True))
    finally:
        transaction.abort()
        setSite(None)
        app._p_jar.close()
        Zope2.DB.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
