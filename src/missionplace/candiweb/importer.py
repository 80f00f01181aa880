"""Import of historical candidatures into a CandiWeb place, from a CSV file.

Every row is checked before anything is written: a file with any error imports
nothing, and the report names each bad row in plain words ("Row 7: 'FRX' is
not a Member State.").  A good file is imported in one transaction, each
candidature published (they are history, already reviewed elsewhere).

Columns (first line; UTF-8, comma-separated, as spreadsheets save them):
``mission`` (ISO code, e.g. FRA), ``election`` (its title) or ``organ`` and
``year``, ``candidate_name`` (empty when the State itself is the candidate),
``regional_group`` (optional, checked against the mission's),
``date_announced`` (2024-05-31), ``status`` (announced, withdrawn, elected,
not-elected), ``description`` (optional).  See data/sample-candidatures.csv.
"""

from AccessControl import Unauthorized
from dataclasses import dataclass
from datetime import date
from missionplace import _
from missionplace.candiweb.candidature import candidature_title
from missionplace.candiweb.records import related
from missionplace.candiweb.records import relation_to
from missionplace.missions import mission as missions
from missionplace.review import notifications
from plone import api
from plone.api.exc import PloneApiError
from plone.dexterity.utils import createContentInContainer
from Products.CMFCore.WorkflowCore import WorkflowException
from types import SimpleNamespace
from zope.i18n import translate
import csv
import io
import transaction


STATUSES = ("announced", "withdrawn", "elected", "not-elected")
ROOM = "candidatures"
ELECTIONS_ROOM = "elections"
# Progress is reported every so many rows.
STEP = 50


class ImportRefused(ValueError):
    """The file cannot be imported; ``errors`` says why, row by row."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Row:
    number: int
    mission: missions.Mission
    election: object
    candidate_name: str
    date_announced: date
    status: str
    description: str


def _cell(record, name):
    return (record.get(name) or "").strip()


def read_csv(data):
    """(header, records) of CSV ``data`` (bytes or text); a BOM from Excel is fine."""
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    return header, [{k: v for k, v in record.items() if k} for record in reader]


def _is_blank(record):
    return not any((value or "").strip() for value in record.values() if isinstance(value, str))


def _language(place):
    return getattr(place, "Language", lambda: "en")() or "en"


class Importer:
    """Checks and imports one file into one CandiWeb place."""

    def __init__(self, place):
        self.place = place
        self.language = _language(place)
        self.elections = self._elections()

    def _elections(self):
        """[(election, title, organ title, year)] of the place, whatever their state."""
        found = []
        # Unrestricted: a row may name an election in any state, also one the importer cannot see.
        for brain in api.content.find(context=self.place, portal_type="Election", unrestricted=True):
            election = brain._unrestrictedGetObject()
            organ = related(election, "organ")
            found.append((election, election.Title(), organ.Title() if organ is not None else "", election.year))
        return found

    def _existing(self):
        """The (mission, election UID, candidate) of the candidatures already in the place."""
        keys = set()
        # Unrestricted: a mission's draft the importer cannot see is a duplicate all the same.
        for brain in api.content.find(context=self.place, portal_type="Candidature", unrestricted=True):
            obj = brain._unrestrictedGetObject()
            election = related(obj, "election")
            uid = election.UID() if election is not None else None
            keys.add((obj.mission, uid, (obj.candidate_name or "").lower()))
        return keys

    def _find_election(self, number, record, errors):
        title = _cell(record, "election")
        if title:
            matches = [e for e, t, _o, _y in self.elections if t.strip().lower() == title.lower()]
            wanted = title
        else:
            organ, year = _cell(record, "organ"), _cell(record, "year")
            if not organ or not year:
                errors.append(
                    _(
                        "import_error_no_election",
                        default="Row ${row}: say which election: its title, or the organ and the year.",
                        mapping={"row": number},
                    )
                )
                return None
            matches = [e for e, _t, o, y in self.elections if o.strip().lower() == organ.lower() and str(y) == year]
            wanted = f"{organ} {year}"
        if not matches:
            errors.append(
                _(
                    "import_error_unknown_election",
                    default="Row ${row}: there is no election '${election}' in this place.",
                    mapping={"row": number, "election": wanted},
                )
            )
            return None
        if len(matches) > 1:
            errors.append(
                _(
                    "import_error_several_elections",
                    default="Row ${row}: several elections match '${election}'; give the election's title.",
                    mapping={"row": number, "election": wanted},
                )
            )
            return None
        return matches[0]

    def _check_group(self, number, mission, value, errors):
        if not value:
            return
        names = {mission.regional_group}
        title = missions.REGIONAL_GROUPS.get(mission.regional_group)
        if title is not None:
            names.add(translate(title, target_language=self.language))
            names.add(translate(title, target_language="en"))
        if value.lower() not in {name.lower() for name in names}:
            errors.append(
                _(
                    "import_error_regional_group",
                    default="Row ${row}: ${mission} is in the regional group '${group}', not '${value}'.",
                    mapping={
                        "row": number,
                        "mission": mission.name(self.language),
                        "group": translate(title, target_language=self.language) if title else "-",
                        "value": value,
                    },
                )
            )

    def check(self, data):
        """(rows, errors): every row is checked, whatever the errors before it."""
        errors = []
        try:
            header, records = read_csv(data)
        except (UnicodeDecodeError, csv.Error):
            return [], [_("import_error_not_csv", default="The file is not a CSV file in UTF-8.")]
        missing = [c for c in ("mission", "date_announced", "status") if c not in header]
        if "election" not in header and not {"organ", "year"} <= set(header):
            missing.append("election")
        if missing:
            return [], [
                _(
                    "import_error_columns",
                    default="The first line must name the columns; missing: ${columns}.",
                    mapping={"columns": ", ".join(missing)},
                )
            ]
        rows, seen = [], set()
        existing = self._existing()
        # Row numbers as a spreadsheet shows them: the header is row 1.
        for number, record in enumerate(records, start=2):
            if _is_blank(record):
                continue
            row = self._check_row(number, record, errors)
            if row is None:
                continue
            key = (row.mission.code, row.election.UID(), row.candidate_name.lower())
            if key in seen:
                errors.append(
                    _(
                        "import_error_duplicate_row",
                        default="Row ${row}: the same candidature is on an earlier row.",
                        mapping={"row": number},
                    )
                )
            elif key in existing:
                errors.append(
                    _(
                        "import_error_exists",
                        default="Row ${row}: this candidature is already recorded.",
                        mapping={"row": number},
                    )
                )
            seen.add(key)
            rows.append(row)
        if not rows and not errors:
            errors.append(_("import_error_empty", default="The file has no candidatures."))
        return rows, errors

    def _check_row(self, number, record, errors):
        before = len(errors)
        code = _cell(record, "mission")
        mission = missions.get(code)
        if mission is None:
            errors.append(
                _(
                    "import_error_mission",
                    default="Row ${row}: '${value}' is not a Member State.",
                    mapping={"row": number, "value": code},
                )
            )
        else:
            self._check_group(number, mission, _cell(record, "regional_group"), errors)
        election = self._find_election(number, record, errors)
        candidate = _cell(record, "candidate_name")
        if election is not None and not candidate:
            organ = related(election, "organ")
            if organ is not None and getattr(organ, "candidate_kind", None) == "person":
                errors.append(
                    _(
                        "import_error_person",
                        default="Row ${row}: the candidate's name is missing: ${organ} elects persons.",
                        mapping={"row": number, "organ": organ.Title()},
                    )
                )
        raw_date = _cell(record, "date_announced")
        try:
            announced = date.fromisoformat(raw_date)
        except ValueError:
            announced = None
            errors.append(
                _(
                    "import_error_date",
                    default="Row ${row}: '${value}' is not a date; write it as 2024-05-31.",
                    mapping={"row": number, "value": raw_date},
                )
            )
        status = _cell(record, "status").lower()
        if status not in STATUSES:
            errors.append(
                _(
                    "import_error_status",
                    default="Row ${row}: '${value}' is not a status; use announced, withdrawn, elected or not-elected.",
                    mapping={"row": number, "value": _cell(record, "status")},
                )
            )
        if len(errors) > before:
            return None
        return Row(number, mission, election, candidate, announced, status, _cell(record, "description"))

    def create(self, row):
        fields = {
            "mission": row.mission.code,
            "candidate_name": row.candidate_name or None,
            "election": relation_to(row.election),
        }
        candidature = createContentInContainer(
            self.place[ROOM],
            "Candidature",
            checkConstraints=True,
            title=candidature_title(SimpleNamespace(**fields), self.language),
            description=row.description,
            date_announced=row.date_announced,
            status=row.status,
            **fields,
        )
        api.content.transition(obj=candidature, to_state="published")
        return candidature

    def run(self, data, progress=None):
        """Check, then import every row or none; returns the candidatures created.

        Raises ImportRefused with the row-level errors; nothing is written then.
        """
        rows, errors = self.check(data)
        if errors:
            raise ImportRefused(errors)
        savepoint = transaction.savepoint()
        created = []
        try:
            # Historical records: nobody is told of each one.
            with notifications.quiet():
                for index, row in enumerate(rows, start=1):
                    created.append(self.create(row))
                    if progress is not None and (index % STEP == 0 or index == len(rows)):
                        progress(index, len(rows))
        except (ValueError, Unauthorized, WorkflowException, PloneApiError) as error:
            # All or nothing, even when a row is refused only while being written (a constraint,
            # a permission, the workflow).  Anything else is a fault: it propagates, and the
            # transaction is aborted whole all the same.
            savepoint.rollback()
            raise ImportRefused(
                [
                    _(
                        "import_error_write",
                        default="Row ${row} could not be saved (${error}); nothing was imported.",
                        mapping={"row": row.number, "error": str(error)},
                    )
                ]
            ) from error
        return created


def import_candidatures(place, data, progress=None):
    return Importer(place).run(data, progress)
