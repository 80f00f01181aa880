"""Create the MissionPlace site in a Zope database, showing progress.

Run by ``missionplace-instance create-site``::

    python -m missionplace_instance.site etc/zope.conf missionplace [--no-demo]
"""

from missionplace_instance import upgrade
from missionplace_instance.app import ADMIN
from missionplace_instance.app import zope_app
from Products.GenericSetup.interfaces import IBeforeProfileImportEvent
from zope.component import provideHandler
import argparse
import os
import time
import transaction


class Progress:
    """Prints one line per GenericSetup profile as the site is built."""

    def __init__(self):
        self.started = time.monotonic()
        self.count = 0

    def before(self, event):
        if event.full_import:
            self.count += 1
            print(f"  [{self.elapsed()}] applying {event.profile_id}", flush=True)

    def elapsed(self):
        return f"{time.monotonic() - self.started:5.1f}s"

    def install(self):
        provideHandler(self.before, (IBeforeProfileImportEvent,))


def ensure_admin(app, password):
    """The Zope-level manager that logs in to create and administer sites."""
    if app.acl_users.getUserById(ADMIN) is None:
        app.acl_users.userFolderAddUser(ADMIN, password, ["Manager"], [])
        print(f"MissionPlace: created the Zope user {ADMIN!r}", flush=True)


def create_site(app, site_id, demo=True):
    from plone.distribution.api import site as site_api

    progress = Progress()
    progress.install()
    print(f"MissionPlace: creating the site {site_id!r}{' with demo content' if demo else ''}", flush=True)
    site_api.create(
        app,
        "missionplace",
        {
            "site_id": site_id,
            "title": "MissionPlace",
            "description": (
                "Collaboration workspace of the Permanent Missions to the United Nations and the UN Secretariat"
            ),
            "default_language": "en",
            "portal_timezone": "America/New_York",
            "setup_content": demo,
        },
    )
    print(f"MissionPlace: site created in {progress.elapsed().strip()}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("zope_conf")
    parser.add_argument("site_id")
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args(argv)

    # This short-lived process only queues mail; the server delivers it.
    os.environ["MAILHOST_QUEUE_ONLY"] = "1"
    print("MissionPlace: starting Zope to check the site…", flush=True)
    with zope_app(args.zope_conf) as app:
        ensure_admin(app, os.environ.get("MISSIONPLACE_ADMIN_PASSWORD") or "admin")
        transaction.commit()
        if args.site_id in app.objectIds():
            print(f"MissionPlace: the site {args.site_id!r} exists, reusing its data", flush=True)
            if upgrade.pending(app[args.site_id].portal_setup):
                print("MissionPlace: its profile has upgrade steps to run: missionplace-instance upgrade", flush=True)
        else:
            create_site(app, args.site_id, demo=not args.no_demo)
            transaction.commit()
        # Nothing else is written at a start: the mail queue and SMTP server are the process's (mail/queue.py).


if __name__ == "__main__":
    main()
