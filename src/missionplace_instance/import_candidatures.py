"""Import historical candidatures from a CSV file into a CandiWeb place of the instance's site.

Run by ``missionplace-instance import-candidatures FILE [--place en/candiweb]``
(the instance must not be serving from FileStorage at the same time: one
process at a time opens it; RelStorage has no such limit)::

    python -m missionplace_instance.import_candidatures etc/zope.conf missionplace FILE --place en/candiweb

Every row is checked first; on any error nothing is imported, the errors are
printed one per row and the exit code is 1.

A command of the instance, not of the add-on: it opens the instance's
database from its zope.conf, in a process of its own.  The checking and the
import are the add-on's (missionplace.candiweb.importer), which moderators
also reach through the @@import-candidatures page.
"""

from missionplace_instance.app import open_site
from missionplace_instance.app import zope_app
from pathlib import Path
from zope.i18n import translate
import argparse
import sys
import transaction


def run(site, place_path, data, language="en", out=print):
    """Import ``data`` into the place at ``place_path``; returns the exit code."""
    from missionplace.candiweb import importer

    place = site.unrestrictedTraverse(place_path.strip("/"), None)
    if place is None or getattr(place, "place_type", None) != "candiweb":
        out(f"MissionPlace: {place_path} is not a CandiWeb place of {site.getId()}")
        return 2

    def progress(done, total):
        out(f"  {done} of {total} candidatures imported")

    try:
        created = importer.import_candidatures(place, data, progress=progress)
    except importer.ImportRefused as refused:
        transaction.abort()
        out("MissionPlace: nothing was imported:")
        for error in refused.errors:
            out(f"  {translate(error, target_language=language)}")
        return 1
    transaction.commit()
    out(f"MissionPlace: {len(created)} candidatures imported and published in {place.absolute_url(1)}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("zope_conf")
    parser.add_argument("site_id")
    parser.add_argument("file", type=Path)
    parser.add_argument("--place", default="en/candiweb", help="the CandiWeb place, under the site")
    parser.add_argument("--language", default="en", help="language of the error report")
    args = parser.parse_args(argv)
    data = args.file.read_bytes()

    with zope_app(args.zope_conf) as app:
        site = open_site(app, args.site_id)
        code = (
            2 if site is None else run(site, args.place, data, args.language, out=lambda line: print(line, flush=True))
        )
    sys.exit(code)


if __name__ == "__main__":
    main()
