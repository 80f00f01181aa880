"""CandiWeb pages: upcoming elections, an election's candidatures by regional group, a Member State's
candidatures, their CSV/XLSX exports (``?format=csv|xlsx``) and the iCal feed of election dates.

Every listing shows what the catalog lets the user see; the seat counts take
only published (or public) candidatures that have not been withdrawn.  The
filters, exports and calendar are common's (listings, exports, ical); what is
here is CandiWeb's own.
"""

from copy import copy
from dataclasses import replace
from datetime import date
from datetime import datetime
from missionplace import _
from missionplace.candiweb.candidature import may_record_results
from missionplace.candiweb.candidature import may_request_withdrawal
from missionplace.candiweb.candidature import request_withdrawal
from missionplace.candiweb.records import addable_types
from missionplace.candiweb.records import by_election_date
from missionplace.candiweb.records import CANDIDATURE_STATUSES
from missionplace.candiweb.records import ELECTION_STATUSES
from missionplace.candiweb.records import is_secretariat
from missionplace.candiweb.records import one_per_record
from missionplace.candiweb.records import RecordError
from missionplace.candiweb.records import related
from missionplace.candiweb.records import visible
from missionplace.common import exports
from missionplace.common import ical
from missionplace.common import listings
from missionplace.common.dates import format_date
from missionplace.common.languages import current_language
from missionplace.common.translations import translation_uids
from missionplace.common.translations import translations
from missionplace.missions import mission as missions
from missionplace.places.membership import top_place
from missionplace.places.ownership import IMissionOwnership
from missionplace.review import actions
from missionplace.workflows import policy
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.dexterity.browser.add import DefaultAddForm
from plone.dexterity.browser.add import DefaultAddView
from plone.dexterity.browser.edit import DefaultEditForm
from plone.dexterity.browser.edit import DefaultEditView
from plone.protect import CheckAuthenticator
from plone.protect import protect
from Products.Five.browser import BrowserView
from z3c.form import field
from zope.i18n import translate
import functools


def counted_states():
    """The states in which a candidature counts against the seats: the policies' published and public ones."""
    return policy.states_of_kind("published", "public")


def seat_marker(candidates, seats):
    """contested: more candidates than seats; clean slate: as many; open seats: fewer."""
    if candidates > seats:
        return "contested"
    if candidates == seats:
        return "clean-slate"
    return "open-seats"


MARKERS = {
    "contested": _("marker_contested", default="Contested"),
    "clean-slate": _("marker_clean_slate", default="Clean slate"),
    "open-seats": _("marker_open_seats", default="Open seats"),
}


BADGES = {"contested": "text-bg-warning", "clean-slate": "text-bg-success", "open-seats": "text-bg-secondary"}


def counts(election, candidatures):
    """[(group, seats, counted candidatures, marker)] in the order of the regional groups."""
    seats = getattr(election, "seats", None) or {}
    result = []
    for group in missions.REGIONAL_GROUPS:
        counted = [c for c in candidatures if c["regional_group"] == group and c["counted"]]
        if group in seats or counted:
            number = seats.get(group, 0)
            result.append((group, number, len(counted), seat_marker(len(counted), number)))
    return result


# The title of each column a listing may show or export, by the key of its rows.
COLUMN_TITLES = {
    "title": _("column_election", default="Election"),
    "organ": _("column_organ", default="Organ"),
    "session": _("column_session", default="Session"),
    "year": _("column_year", default="Year"),
    "election_date": _("column_election_date", default="Election date"),
    "deadline": _("column_deadline", default="Nominations close"),
    "term": _("column_term", default="Term"),
    "seats": _("column_seats", default="Seats"),
    "candidatures": _("column_candidatures", default="Candidatures"),
    "status": _("column_status", default="Status"),
    "election": _("column_election", default="Election"),
    "candidate": _("column_candidate", default="Candidate"),
    "group": _("column_regional_group", default="Regional group"),
    "date_announced": _("column_date_announced", default="Announced"),
    "review_state": _("column_review_state", default="Review"),
    "state": _("column_member_state", default="Member State"),
}


def _is_organ(uid):
    # Among the organs the user sees, as the listings are.
    return bool(api.content.find(UID=uid, portal_type="Organ"))


def _organ_uids(uid):
    """An organ filter matches every translation of the organ (the listings show records of every language)."""
    found = api.content.find(UID=uid, portal_type="Organ")
    return translation_uids(found[0].getObject()) if found else [uid]


def _is_year(value):
    return value.isascii() and value.isdigit() and len(value) <= 4


def _mission_code(code):
    return missions.get(code).code


NO_SUCH_STATUS = _("error_listing_status", default="No such status: ${status}.")
ORGAN = listings.Filter(
    "organ",
    accepts=_is_organ,
    error=_("error_listing_organ", default="No such organ: ${organ}."),
    index="organ",
    term=_organ_uids,
)
YEAR = listings.Filter(
    "year", accepts=_is_year, error=_("error_listing_year", default="Not a year: ${year}."), index="year", term=int
)
ELECTION_STATUS = listings.Filter(
    "status", accepts=ELECTION_STATUSES.__contains__, error=NO_SUCH_STATUS, index="record_status", default="upcoming"
)
CANDIDATURE_STATUS = listings.Filter(
    "status", accepts=CANDIDATURE_STATUSES.__contains__, error=NO_SUCH_STATUS, index="record_status"
)
REGIONAL_GROUP = listings.Filter(
    "regional_group",
    accepts=missions.REGIONAL_GROUPS.__contains__,
    error=_("error_listing_regional_group", default="No such regional group: ${regional_group}."),
    index="regional_group",
)
MISSION = replace(listings.mission_filter(lambda code: missions.get(code) is not None), term=_mission_code)


class Listing(exports.ExportableListing):
    """A CandiWeb listing: its filters (``filters``) read from the request, its columns' titles."""

    column_messages = COLUMN_TITLES
    filters = ()

    def update(self):
        # Before the page is drawn, so that a refused filter's message shows on it.
        self.values = self.read_filters()

    @functools.cached_property
    def values(self):
        """{name: value} of the filters asked for (defaults included)."""
        return self.read_filters()

    def read_filters(self):
        try:
            return listings.read(self.request.form, self.filters)
        except listings.ListingError as error:
            # What cannot be applied is said, and the listing shown without the filters asked for.
            if not self.exporting:  # a download shows no message
                api.portal.show_message(error.args[0], request=self.request, type="error")
            return listings.read({}, self.filters)

    def selected(self, name):
        return self.values.get(name, "")

    def catalog_query(self):
        return listings.query(self.filters, self.values)

    def organ_options(self):
        brains = one_per_record(api.content.find(portal_type="Organ", sort_on="sortable_title"), current_language())
        return [{"value": b.UID, "title": b.Title} for b in brains]

    def group_options(self):
        return [{"value": k, "title": self.t(v)} for k, v in missions.REGIONAL_GROUPS.items()]

    def year_options(self):
        years = {b.year for b in api.content.find(portal_type="Election") if b.year}
        return sorted(years, reverse=True)

    def place_paths(self):
        return place_paths(self.context)

    def group_title(self, group):
        title = missions.REGIONAL_GROUPS.get(group)
        return self.t(title) if title else ""

    def state_title(self, code):
        mission = missions.get(code)
        return mission.name(current_language()) if mission else ""

    def review_state_title(self, obj, state):
        return actions.state_title(obj, state, translated=True)


def place_paths(context):
    """The paths of the place of ``context`` in every language: records are listed once, from any of them."""
    place = top_place(context)
    if place is None:
        return ["/".join(context.getPhysicalPath())]
    return ["/".join(p.getPhysicalPath()) for p in translations(place, restricted=True)]


class CandidatureRows:
    """Candidature rows, shared by the election and Member State pages."""

    def candidature_rows(self, query):
        brains = api.content.find(portal_type="Candidature", **query)
        rows = []
        for brain in one_per_record(brains, current_language()):
            obj = brain.getObject()
            election = visible(related(obj, "election"))
            organ = visible(related(election, "organ"))
            state = brain.review_state
            rows.append(
                {
                    "url": brain.getURL(),
                    "title": brain.Title,
                    "mission": obj.mission,
                    "state": self.state_title(obj.mission),
                    "candidate": obj.candidate_name or "",
                    "regional_group": obj.regional_group,
                    "group": self.group_title(obj.regional_group),
                    "election": election.Title() if election is not None else "",
                    "election_url": election.absolute_url() if election is not None else "",
                    "organ": organ.Title() if organ is not None else "",
                    "year": getattr(election, "year", None),
                    "election_date": format_date(getattr(election, "election_date", None)),
                    "election_date_export": getattr(election, "election_date", None),
                    "date_announced": format_date(obj.date_announced),
                    "date_announced_export": obj.date_announced,
                    "status_code": obj.status,
                    "status": self.t(CANDIDATURE_STATUSES.get(obj.status, obj.status)),
                    "withdrawal_requested": bool(obj.withdrawal_requested),
                    "review_state_code": state,
                    "review_state": self.review_state_title(obj, state),
                    "counted": state in counted_states() and obj.status != "withdrawn",
                }
            )
        # By their election's date, those without a date last (the catalog's sort_on would drop them).
        rows.sort(key=lambda row: (row["election_date_export"] is None, row["election_date_export"] or date.min))
        return rows


class ElectionsView(Listing):
    """@@elections on a CandiWeb place or room: the elections, upcoming first, with filters."""

    filename = "elections"
    columns = (
        "title",
        "organ",
        "session",
        "year",
        "election_date",
        "deadline",
        "term",
        "seats",
        "candidatures",
        "status",
    )

    # Elections have no regional group: the listing keeps those where the group has seats.
    filters = (ORGAN, YEAR, ELECTION_STATUS, replace(REGIONAL_GROUP, index=None))

    def status_options(self):
        return [{"value": k, "title": self.t(v)} for k, v in ELECTION_STATUSES.items()]

    def query(self):
        return {"portal_type": "Election", "path": self.place_paths(), **self.catalog_query()}

    def rows(self):
        group = self.selected("regional_group")
        rows = []
        for brain in one_per_record(by_election_date(api.content.find(**self.query())), current_language()):
            election = brain.getObject()
            seats = election.seats or {}
            if group and not seats.get(group):
                continue
            organ = visible(related(election, "organ"))
            candidatures = api.content.find(
                portal_type="Candidature", election=translation_uids(election), review_state=list(counted_states())
            )
            counted = [
                b for b in one_per_record(candidatures, current_language())
                if b.record_status != "withdrawn" and (not group or b.regional_group == group)
            ]  # fmt: skip
            rows.append(
                {
                    "url": brain.getURL(),
                    "title": brain.Title,
                    "organ": organ.Title() if organ is not None else "",
                    "session": election.session or "",
                    "year": election.year,
                    "election_date": format_date(election.election_date),
                    "election_date_export": election.election_date,
                    "deadline": format_date(election.deadline),
                    "deadline_export": election.deadline,
                    "term": election.term or "",
                    "seats": seats.get(group, 0) if group else sum(seats.values()),
                    "candidatures": len(counted),
                    "status": self.t(ELECTION_STATUSES.get(election.status, election.status)),
                }
            )
        return rows


class MemberStateView(Listing, CandidatureRows):
    """@@member-state?mission=fra: all the candidatures of one Member State, past and present."""

    columns = (
        "election",
        "organ",
        "year",
        "election_date",
        "candidate",
        "group",
        "date_announced",
        "status",
        "review_state",
    )
    filters = (MISSION, ORGAN, YEAR, CANDIDATURE_STATUS)

    @property
    def mission(self):
        return missions.get(self.selected("mission"))

    @property
    def filename(self):
        return f"candidatures-{self.mission.code}" if self.mission else "candidatures"

    def mission_options(self):
        return [{"value": m.code, "title": m.name(current_language())} for m in missions.missions().values()]

    def status_options(self):
        return [{"value": k, "title": self.t(v)} for k, v in CANDIDATURE_STATUSES.items()]

    def rows(self):
        if self.mission is None:
            return []
        rows = self.candidature_rows({"path": self.place_paths(), **self.catalog_query()})
        # Latest election first; those without a date yet after them all.
        undated = [row for row in rows if row["election_date_export"] is None]
        return [*reversed([row for row in rows if row["election_date_export"] is not None]), *undated]


class ElectionView(Listing, CandidatureRows):
    """An election's page: its candidatures by regional group, seats against candidates."""

    columns = ("group", "state", "candidate", "date_announced", "status", "review_state")
    filters = (CANDIDATURE_STATUS, REGIONAL_GROUP)

    @property
    def filename(self):
        return self.context.getId()

    def organ(self):
        return visible(related(self.context, "organ"))

    def election_date(self):
        return format_date(self.context.election_date)

    def deadline(self):
        return format_date(self.context.deadline)

    def status_title(self):
        return self.t(ELECTION_STATUSES.get(self.context.status, self.context.status))

    def held(self):
        return self.context.status == "held"

    def rows(self):
        query = {"election": translation_uids(self.context), "path": self.place_paths(), **self.catalog_query()}
        order = list(missions.REGIONAL_GROUPS)
        rows = self.candidature_rows(query)
        return sorted(rows, key=lambda r: (order.index(r["regional_group"]) if r["regional_group"] in order else 99,
                                           r["state"]))  # fmt: skip

    def groups(self):
        rows = self.rows()
        return [
            {
                "id": group,
                "title": self.group_title(group),
                "seats": seats,
                "candidates": candidates,
                "marker": marker,
                "marker_title": self.t(MARKERS[marker]),
                "badge_class": f"badge marker marker-{marker} {BADGES[marker]}",
                "rows": [r for r in rows if r["regional_group"] == group],
            }
            for group, seats, candidates, marker in counts(self.context, rows)
        ]

    def status_options(self):
        return [{"value": k, "title": self.t(v)} for k, v in CANDIDATURE_STATUSES.items()]

    def add_url(self):
        """Where a mission editor or moderator announces a candidature, if they may."""
        place = top_place(self.context)
        room = place.get("candidatures") if place is not None else None
        if room is None or not api.user.has_permission("MissionPlace: Add Candidature", obj=room):
            return None
        # A held election takes no more candidatures (the Secretariat records history by import).
        if getattr(self.context, "status", None) == "held":
            return None
        return f"{room.absolute_url()}/++add++Candidature?form.widgets.ICandidatureSchema.election={self.context.UID()}"


class CandidatureView(BrowserView):
    """A candidature: its data, its documents and, for its mission, the withdrawal request."""

    def t(self, message):
        return translate(message, context=self.request)

    def election(self):
        return visible(related(self.context, "election"))

    def state(self):
        mission = missions.get(self.context.mission)
        return mission.name(current_language()) if mission else ""

    def group(self):
        title = missions.REGIONAL_GROUPS.get(self.context.regional_group)
        return self.t(title) if title else ""

    def status(self):
        return self.t(CANDIDATURE_STATUSES.get(self.context.status, self.context.status))

    def date_announced(self):
        return format_date(self.context.date_announced)

    def documents(self):
        return api.content.find(context=self.context, depth=1, sort_on="getObjPositionInParent")

    def may_request_withdrawal(self):
        return may_request_withdrawal(self.context)

    def may_record_results(self):
        return may_record_results(self.context)


class RequestWithdrawal(BrowserView):
    """POST (with the CSRF token): the owning mission asks the Secretariat to withdraw the candidature."""

    @protect(CheckAuthenticator)
    def __call__(self, REQUEST=None):
        if self.request.method != "POST":
            self.request.response.setStatus(405)
            return ""
        try:
            request_withdrawal(self.context)
        except RecordError as error:
            api.portal.show_message(translate(error.args[0], context=self.request), self.request, type="error")
        else:
            api.portal.show_message(
                _(
                    "message_withdrawal_requested",
                    default="The Secretariat has been asked to withdraw the candidature.",
                ),
                self.request,
            )
        self.request.response.redirect(self.context.absolute_url())
        return ""


class ElectionsFeed(BrowserView):
    """@@elections.ics: the election dates and nomination deadlines the user can see."""

    # Public on a closed place too: visitors get its public elections (public_views.py).
    lists_only_what_the_user_may_see = True

    def __call__(self):
        calendar = ical.calendar(
            translate(_("feed_title", default="CandiWeb elections"), context=self.request), "CandiWeb"
        )
        host = self.request.get("SERVER_NAME") or "missionplace"
        stamp = datetime.now().astimezone()
        brains = by_election_date(api.content.find(portal_type="Election", path=place_paths(self.context)))
        for brain in one_per_record(brains, current_language()):
            election = brain.getObject()
            for kind, day, summary in (
                ("election", election.election_date, brain.Title),
                (
                    "deadline",
                    election.deadline,
                    translate(
                        _("feed_deadline", default="Nominations close: ${title}", mapping={"title": brain.Title}),
                        context=self.request,
                    ),
                ),
            ):
                if day:
                    ical.add_day(calendar, f"{brain.UID}-{kind}@{host}", summary, day, brain.getURL(), [kind], stamp)
        return ical.download(self.request.response, calendar, "elections.ics")


class SecretariatChoosesMission:
    """The Secretariat announces on behalf of a mission, so its forms show the mission (required).

    Mission editors never see it: their own mission is recorded (missionplace.places.ownership).
    """

    def updateFields(self):
        super().updateFields()
        if is_secretariat(self.context):
            mission = copy(IMissionOwnership["mission"])
            mission.required = True
            self.fields = field.Fields(mission, prefix="IMissionOwnership") + self.fields

    def updateWidgets(self, prefix=None):
        super().updateWidgets(prefix)
        widget = self.widgets.get("IMissionOwnership.mission")
        if widget is not None:
            # No State preselected: the Secretariat picks one on purpose.
            widget.prompt = True
            widget.update()


class CandidatureAddForm(SecretariatChoosesMission, DefaultAddForm):
    pass


class CandidatureAddView(DefaultAddView):
    form = CandidatureAddForm


class CandidatureEditForm(SecretariatChoosesMission, DefaultEditForm):
    pass


class CandidatureEditView(DefaultEditView):
    form = CandidatureEditForm


class CandiWebLinks(ViewletBase):
    """On a CandiWeb place and its rooms: where its listings and calendar are."""

    def update(self):
        super().update()
        place = top_place(self.context)
        self.place_url = place.absolute_url() if place is not None else None
        self.available = place is not None and "Election" in addable_types(self.context)

    def render(self):
        return self.index() if self.available else ""
