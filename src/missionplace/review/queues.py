"""The moderators' review queue and the missions' "our work".

Both are lists of plain dicts built from catalog brains: what filtering,
sorting and counting need (when submitted, by which mission, in which place
and language) is in the catalog (``review_summary`` keeps times and action
ids), so a queue of 1,000 items wakes up only the rows a page shows, for who
acted, the comment and the actions offered (``Rows.finish``).

Who may review what is not hard-coded: the review queue holds the items in a
state where some policy lets someone review, inside the places and rooms where
the user holds a role that may review, and of those only the items on which
the user has "Review portal content" right now (the ``review_grants`` index,
reviewers.py).  Which states are drafts or
published and which actions submit, approve or reject, the policies say
(their ``kind``: workflows/policy.py).
"""

from contextlib import nullcontext
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from missionplace.common import listings
from missionplace.missions import mission as missions
from missionplace.places import grants
from missionplace.review import actions
from missionplace.review import reviewers
from missionplace.review.reviewers import reviewable_states
from missionplace.review.reviewers import reviewing_roles
from missionplace.workflows import policy
from plone import api
from plone.dexterity.interfaces import IDexterityContent
from plone.indexer import indexer
from zope.globalrequest import getRequest
from zope.i18n import translate


REVIEW = "Review portal content"
RECENT = timedelta(days=30)

SORT_KEYS = ("submitted", "title", "mission", "place", "type", "language", "modified")


def _is_mission(code):
    return missions.get(code) is not None


# The queues filter the rows they hold (their choices are the unfiltered rows' values).
# A place by its id (the same in every language); any id is taken, an unknown one lists nothing.
QUEUE_FILTERS = (
    listings.Filter("place", field="place"),
    listings.mission_filter(_is_mission),
    listings.TYPE,
    listings.LANGUAGE,
)
FILTERS = tuple(found.name for found in QUEUE_FILTERS)

# A sort or filter that cannot be applied (the message says why).
QueueError = listings.ListingError


# The key of a row's catalog brain until ``finish`` (never shown: finish removes it).
BRAIN = "_brain"


# Catalog metadata -------------------------------------------------------------


def _iso(value):
    """A Zope DateTime as an ISO 8601 string in UTC, so that strings compare as times."""
    return value.asdatetime().astimezone(UTC).isoformat(timespec="microseconds") if value is not None else None


def summarize(history):
    """The facts a queue shows, from a workflow history: JSON-friendly strings."""
    submitting = policy.actions_of_kind("submit")
    submits = [entry for entry in history if entry.get("action") in submitting]
    last = history[-1] if history else {}
    return {
        "submitted": _iso(submits[-1]["time"]) if submits else None,
        "submitter": submits[-1].get("actor") if submits else None,
        "action": last.get("action"),
        "actor": last.get("actor"),
        "comment": last.get("comments") or "",
        "time": _iso(last.get("time")),
    }


# What the catalog keeps: times and action ids only.  Catalog metadata is
# readable by whoever sees the item (@search metadata_fields), so who acted and
# what they wrote are read from the item itself, for those who may review it.
CATALOGUED = ("submitted", "action", "time")


@indexer(IDexterityContent)
def review_summary_indexer(obj):
    history = actions.workflow_history(obj)
    if not history:
        raise AttributeError("review_summary")
    summary = summarize(history)
    return {key: summary[key] for key in CATALOGUED}


# Who reviews where ----------------------------------------------------------------


def _as(user):
    """Run as ``user`` when it is not the current one, so the catalog filters for them."""
    if user is None or user.getId() == api.user.get_current().getId():
        return nullcontext()
    return api.env.adopt_user(user=user)


def moderated_places(user=None):
    """Paths of the places and rooms where ``user`` holds a role that may review."""
    user = user or api.user.get_current()
    request = getRequest()
    cache = request.other.setdefault("_missionplace_moderated", {}) if request is not None else {}
    key = user.getId()
    if key not in cache:
        # One catalog query (the place_grants index), not a role check on every place and room.
        cache[key] = grants.places_where(user, reviewing_roles())
    return cache[key]


def may_review(user=None):
    return bool(moderated_places(user))


def may_have_work(user=None):
    return bool(missions.of_user(user or api.user.get_current(), missions.EDITOR))


# Listing ---------------------------------------------------------------------------


class _Lister:
    """Turns brains into the dicts the queues show, in the current user's language."""

    def __init__(self):
        self.request = getRequest()
        self.language = api.portal.get_current_language()
        self.workflow = api.portal.get_tool("portal_workflow")
        self.types = api.portal.get_tool("portal_types")
        self.places = {brain.getPath(): brain for brain in api.content.find(portal_type="Place")}
        self.names = {}
        self.rejections = policy.actions_of_kind("reject")

    def translate(self, message, domain="plone"):
        return translate(message, domain=domain, context=self.request)

    def type_title(self, portal_type):
        fti = self.types.getTypeInfo(portal_type)
        return self.translate(fti.Title()) if fti is not None else portal_type

    def fullname(self, user_id):
        if not user_id:
            return ""
        if user_id not in self.names:
            user = api.user.get(userid=user_id)
            self.names[user_id] = (user.getProperty("fullname") or user_id) if user else user_id
        return self.names[user_id]

    def place_of(self, path):
        while "/" in path:
            if path in self.places:
                return self.places[path]
            path = path.rsplit("/", 1)[0]
        return None

    def row(self, brain):
        """What filtering, sorting and counting need, from the catalog alone (``finish`` adds the rest)."""
        mission = missions.get(brain.mission)
        place = self.place_of(brain.getPath())
        return {
            "title": brain.Title,
            "url": brain.getURL(),
            "uid": brain.UID,
            "portal_type": brain.portal_type,
            "type_title": self.type_title(brain.portal_type),
            "mission": mission.code if mission else None,
            "mission_title": mission.name(self.language) if mission else "",
            "place": place.getId if place else None,
            "place_title": place.Title if place else "",
            "place_url": place.getURL() if place else None,
            "language": brain.Language,
            "state": brain.review_state,
            "submitted": (brain.review_summary or {}).get("submitted"),
            "modified": _iso(brain.modified),
            BRAIN: brain,
        }

    def finish(self, entry):
        """The rest of a row, from the item itself: who acted, the comment, the actions the user may take."""
        obj = entry.pop(BRAIN).getObject()
        # The full facts (who, which comment) from the item; the catalog has times only.
        summary = summarize(actions.workflow_history(obj))
        entry.update(
            {
                # After the item's own policy: "published" is "Published to the group" in a working group.
                "state_title": actions.state_title(obj, entry["state"], translated=True),
                "submitted": summary["submitted"],
                "submitter": summary["submitter"],
                "submitter_name": self.fullname(summary["submitter"]),
                "last_action": summary["action"],
                "last_actor": summary["actor"],
                "last_actor_name": self.fullname(summary["actor"]),
                "last_time": summary["time"],
                "comment": summary["comment"] if summary["action"] in self.rejections else "",
                "transitions": [
                    {"id": t["id"], "title": self.translate(t["title"]), "comment_required": t["comment_required"]}
                    for t in actions.available_actions(obj)
                ],
            }
        )
        return entry


def _sort_key(sort_on):
    def key(entry):
        value = {
            "submitted": entry["submitted"],
            "title": entry["title"],
            "mission": entry["mission_title"],
            "place": entry["place_title"],
            "type": entry["type_title"],
            "language": entry["language"],
            "modified": entry["modified"],
        }[sort_on]
        # Missing values (never submitted, no mission) sort last.
        return (value is None or value == "", (value or "").casefold())

    return key


def check_filters(filters):
    """The filters and sorting asked for, checked: {name: value} without the empty ones; raises QueueError."""
    return listings.read(filters, QUEUE_FILTERS, SORT_KEYS, strict=True)


def apply(items, default_sort="submitted", default_order="ascending", **filters):
    """``items`` filtered (place, mission, type, language) and sorted; raises QueueError."""
    filters = check_filters(filters)
    kept = listings.keep(items, QUEUE_FILTERS, filters)
    sort_on = filters.get("sort_on", default_sort)
    descending = filters.get("sort_order", default_order if sort_on == default_sort else "ascending") == "descending"
    return sorted(kept, key=_sort_key(sort_on), reverse=descending)


def choices(items):
    """The values the filters may take in ``items``: {filter: [(value, title)]}."""
    found = {name: {} for name in FILTERS}
    for entry in items:
        if entry["place"]:
            found["place"][entry["place"]] = entry["place_title"]
        if entry["mission"]:
            found["mission"][entry["mission"]] = entry["mission_title"]
        found["type"][entry["portal_type"]] = entry["type_title"]
        if entry["language"]:
            found["language"][entry["language"]] = entry["language"]
    if found["place"]:
        # Places by their names in the user's language, whichever language the items are in.
        language = api.portal.get_current_language()
        for brain in api.content.find(portal_type="Place", Language=language, id=list(found["place"])):
            found["place"][brain.getId] = brain.Title
    return {name: sorted(values.items(), key=lambda kv: kv[1].casefold()) for name, values in found.items()}


# The queues --------------------------------------------------------------------------


class Rows(list):
    """A queue's rows, filtered and sorted from the catalog alone; ``finish`` completes those shown.

    The review queue holds every pending item of a moderator's places (1,000
    at a General Assembly session): only the rows of the page shown are woken
    up, for who acted, the comment and the actions offered.
    """

    def __init__(self, rows=(), user=None, lister=None):
        super().__init__(rows)
        self.user = user
        self.lister = lister

    def finish(self, rows=None):
        """``rows`` (default: all) completed, as the user sees them."""
        rows = self if rows is None else rows
        if not rows:
            return []
        with _as(self.user):
            return [self.lister.finish(dict(row)) if BRAIN in row else row for row in rows]


def collect_review(user=None):
    """Every item ``user`` (default: the current user) may review now, unsorted (Rows).

    One catalog query: the places and rooms they review in, the states someone
    reviews, and ``review_grants`` (who holds "Review portal content" on the
    item, reviewers.py) with the user's roles, id and groups.
    """
    user = user or api.user.get_current()
    places = moderated_places(user)
    if not places:
        return Rows(user=user)
    with _as(user):
        lister = _Lister()
        brains = api.content.find(
            path={"query": places},
            review_state=list(reviewable_states()),
            review_grants=reviewers.tokens(user),
        )
        return Rows([lister.row(brain) for brain in brains], user=user, lister=lister)


def review_queue(user=None, **filters):
    """What ``user`` may review, filtered and sorted (oldest submission first), complete."""
    rows = collect_review(user)
    return rows.finish(apply(rows, **filters))


def collect_work(user=None):
    """The items of ``user``'s missions: {drafts, submitted, rejected, published}, unsorted, complete."""
    user = user or api.user.get_current()
    groups = {"drafts": [], "submitted": [], "rejected": [], "published": []}
    codes = [m.code for m in missions.of_user(user, missions.EDITOR)]
    if not codes:
        return groups
    since = (datetime.now(UTC) - RECENT).isoformat(timespec="microseconds")
    drafts, pending = policy.states_of_kind("draft"), policy.states_of_kind("pending")
    published = policy.states_of_kind("published", "public")
    rejections = policy.actions_of_kind("reject")
    with _as(user):
        lister = _Lister()
        brains = api.content.find(mission=codes, review_state=[*drafts, *pending, *published])
        for brain in brains:
            summary = brain.review_summary or {}
            if brain.review_state in published:
                # Recent publications only: the last transition in the last 30 days.
                if not summary.get("time") or summary["time"] < since:
                    continue
                group = "published"
            elif brain.review_state in pending:
                group = "submitted"
            elif summary.get("action") in rejections:
                group = "rejected"
            else:
                group = "drafts"
            groups[group].append(lister.finish(lister.row(brain)))
    return groups


def our_work(user=None, **filters):
    """``user``'s missions' drafts, submissions, rejections and recent publications."""
    return {
        name: apply(items, default_sort="modified", default_order="descending", **filters)
        for name, items in collect_work(user).items()
    }
