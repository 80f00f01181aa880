"""Upgrade the site's MissionPlace profile to the installed code's version, showing progress.

Run by ``missionplace-instance upgrade``::

    python -m missionplace_instance.upgrade etc/zope.conf missionplace

It lists the pending upgrade steps of ``missionplace:default``, runs them
through portal_setup (``upgradeProfile``, as portal_setup's Upgrades tab
does; each step logs what it does) and commits once, at the end: a step that
fails leaves the site as it was.
"""

from missionplace_instance.app import zope_app
from zope.component.hooks import setSite
import argparse
import logging
import os
import sys
import time
import transaction


PROFILE = "missionplace:default"


def _version(value):
    return ".".join(value) if isinstance(value, tuple) else str(value)


def pending(setup, profile_id=PROFILE):
    """The upgrade steps still to run for ``profile_id``, in order."""
    return setup.listUpgrades(profile_id, simple=True)


def others_pending(setup):
    """The other installed profiles that have upgrade steps waiting (@@plone-upgrade runs Plone's)."""
    return sorted(
        profile_id
        for profile_id in setup.listProfilesWithUpgrades()
        if profile_id != PROFILE
        and setup.getLastVersionForProfile(profile_id) != "unknown"
        and pending(setup, profile_id)
    )


def upgrade(site, out=print):
    """Run the pending steps of missionplace:default on ``site`` (portal_setup.upgradeProfile); return how many."""
    setup = site.portal_setup
    started = time.monotonic()
    before = _version(setup.getLastVersionForProfile(PROFILE))
    steps = pending(setup)
    if not steps:
        out(f"MissionPlace: the profile is at version {before}, nothing to upgrade")
    else:
        target = _version(setup.getVersionForProfile(PROFILE))
        out(f"MissionPlace: upgrading the profile from version {before} to {target}:")
        for number, step in enumerate(steps, 1):
            out(f"  {number}/{len(steps)} {_version(step.source)} → {_version(step.dest)}: {step.title}")
        # The steps log what they do (the "missionplace" logger) as they run.
        setup.upgradeProfile(PROFILE)
        after = _version(setup.getLastVersionForProfile(PROFILE))
        out(f"MissionPlace: the profile is at version {after} ({time.monotonic() - started:.1f}s)")
    for profile_id in others_pending(setup):
        out(f"MissionPlace: {profile_id} has upgrade steps too: run them from @@plone-upgrade or portal_setup")
    return len(steps)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("zope_conf")
    parser.add_argument("site_id")
    args = parser.parse_args(argv)

    # This short-lived process only queues mail; the server delivers it.
    os.environ["MAILHOST_QUEUE_ONLY"] = "1"
    # The steps say what they do through the add-on's logger.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("          %(message)s"))
    logging.getLogger("missionplace").addHandler(handler)
    logging.getLogger("missionplace").setLevel(logging.INFO)
    print("MissionPlace: starting Zope to upgrade the site…", flush=True)
    with zope_app(args.zope_conf) as app:
        if args.site_id not in app.objectIds():
            sys.exit(f"MissionPlace: no site {args.site_id!r} in this database")
        site = app[args.site_id]
        setSite(site)
        upgrade(site, out=lambda line: print(line, flush=True))
        transaction.commit()


if __name__ == "__main__":
    main()
