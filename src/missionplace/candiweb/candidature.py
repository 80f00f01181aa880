"""Candidatures: a Member State (or a person it nominates) standing in an election.

A mission editor announces candidatures for their own Member State only: the
mission is recorded from who they are (missionplace.places.ownership), and one they
send through the REST API must be theirs.  Only the Secretariat records
results and withdrawals (the status needs "MissionPlace: Record results");
the mission may ask for a withdrawal (``request_withdrawal``).
"""

from Acquisition import aq_base
from datetime import date
from missionplace import _
from missionplace.candiweb.election import IElection
from missionplace.candiweb.organ import IOrgan
from missionplace.candiweb.records import is_secretariat
from missionplace.candiweb.records import mark_language_independent
from missionplace.candiweb.records import RecordError
from missionplace.candiweb.records import related
from missionplace.candiweb.records import related_uid
from missionplace.common.translations import translations
from missionplace.mail.queue import send
from missionplace.missions import mission as missions
from missionplace.permissions import RECORD_RESULTS
from missionplace.places import membership
from missionplace.places import roles
from missionplace.places.membership import top_place
from missionplace.places.ownership import IMissionOfItsOwn
from missionplace.places.ownership import record_owning_mission
from plone import api
from plone.app.multilingual.dx import directives as multilingual
from plone.app.z3cform.widgets.select import SelectFieldWidget
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.indexer import indexer
from plone.supermodel import model
from z3c.relationfield.interfaces import IRelationValue
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import Invalid
from zope.interface import invariant
from zope.interface import provider
from zope.lifecycleevent.interfaces import IObjectAddedEvent


class ICandidature(model.Schema, IMissionOfItsOwn):
    """Marker and schema of candidatures (the ``missionplace.candidature`` behavior).

    Its mission is the State that stands, checked by ``check_mission``, not by the ownership rule.
    """


def _today():
    return date.today()


def _election_of(data):
    """The election the form or REST data names (the chosen object), or the item holds."""
    election = getattr(data, "election", None)
    if IRelationValue.providedBy(election):
        election = election.to_object
    return election if IElection.providedBy(election) else None


@provider(IFormFieldProvider)
class ICandidatureSchema(ICandidature):
    multilingual.languageindependent(
        "candidate_name", "election", "regional_group", "date_announced", "status", "withdrawal_requested"
    )

    # A relation to one of the place's elections (vocabularies.records), chosen from a list.
    directives.widget("election", SelectFieldWidget)
    election = RelationChoice(
        title=_("label_election", default="Election"),
        vocabulary="missionplace.elections",
        required=True,
    )
    candidate_name = schema.TextLine(
        title=_("label_candidate_name", default="Candidate"),
        description=_(
            "help_candidate_name",
            default="The person nominated, for judicial and expert bodies. Leave empty when the State itself stands.",
        ),
        required=False,
    )
    directives.mode(regional_group="display")
    regional_group = schema.Choice(
        title=_("label_regional_group", default="Regional group"),
        description=_("help_regional_group", default="The regional group of the mission, filled in automatically."),
        vocabulary="missionplace.regional_groups",
        required=False,
        readonly=True,
    )
    date_announced = schema.Date(
        title=_("label_date_announced", default="Date announced"),
        defaultFactory=_today,
        required=False,
    )
    directives.write_permission(status="missionplace.RecordResults")
    status = schema.Choice(
        title=_("label_candidature_status", default="Status"),
        description=_("help_candidature_status", default="Only the Secretariat records withdrawals and results."),
        vocabulary="missionplace.candidature_statuses",
        default="announced",
        required=True,
    )
    directives.write_permission(withdrawal_requested="missionplace.RecordResults")
    withdrawal_requested = schema.Bool(
        title=_("label_withdrawal_requested", default="Withdrawal requested by the mission"),
        default=False,
        required=False,
    )

    @invariant
    def election_exists(data):
        if getattr(data, "election", None) and _election_of(data) is None:
            raise Invalid(_("error_no_such_election", default="There is no such election."))

    @invariant
    def candidate_named_for_person_organs(data):
        election = _election_of(data)
        organ = related(election, "organ") if election is not None else None
        if organ is not None and IOrgan.providedBy(organ) and organ.candidate_kind == "person":
            if not (getattr(data, "candidate_name", None) or "").strip():
                raise Invalid(
                    _(
                        "error_candidate_name_required",
                        default="Candidates for this organ are persons: give the candidate's name.",
                    )
                )

    @invariant
    def own_mission_only(data):
        # The add form never shows the mission to mission editors; a REST
        # client can send one, which is then checked here, before anything is added.
        context = getattr(data, "__context__", None)
        if context is None or not ICandidature.providedBy(context):
            return
        check_mission(context, getattr(aq_base(context), "mission", None))


mark_language_independent(ICandidatureSchema)


def check_mission(context, code):
    """Refuse a mission the current user may not announce for."""
    if is_secretariat(context):
        if not code:
            raise Invalid(
                _("error_choose_mission", default="Choose the Member State on whose behalf the candidature is made.")
            )
        return
    if not code:
        return
    # Their own Member State, and only where it drafts (takes part as Mission editor).
    place = membership.enclosing_place(context)
    own = {m.code for m in missions.of_user(api.user.get_current(), missions.EDITOR) if membership.drafts_in(place, m)}
    if code not in own:
        raise Invalid(
            _(
                "error_not_your_mission",
                default="You can only announce candidatures for your own Member State.",
            )
        )


def candidature_title(obj, language="en"):
    """'Candidate (State) -- Election', or 'State -- Election' when the State stands."""
    mission = missions.get(getattr(aq_base(obj), "mission", None))
    state = mission.name(language) if mission else ""
    election = related(obj, "election")
    who = f"{obj.candidate_name} ({state})" if getattr(obj, "candidate_name", None) else state
    return f"{who} -- {election.Title()}" if election is not None else who


def update_computed(obj, event):
    """Record the mission (for its editors), then the regional group and a title if none was given."""
    if IObjectAddedEvent.providedBy(event):
        record_owning_mission(obj, event)
    mission = missions.get(getattr(aq_base(obj), "mission", None))
    group = mission.regional_group if mission else None
    changed = []
    if getattr(aq_base(obj), "regional_group", None) != group:
        obj.regional_group = group
        changed.append("regional_group")
    if not (obj.title or "").strip():
        obj.title = candidature_title(obj, getattr(aq_base(obj), "language", None) or "en")
        changed += ["Title", "sortable_title", "SearchableText"]
    if changed:
        obj.reindexObject(idxs=changed)


def may_request_withdrawal(obj):
    """The owning mission's editors, while the candidature stands and no request is pending."""
    if obj.status != "announced" or obj.withdrawal_requested:
        return False
    mission = missions.get(getattr(aq_base(obj), "mission", None))
    if mission is None:
        return False
    user = api.user.get_current()
    return mission in missions.of_user(user, missions.EDITOR) and api.user.has_permission("View", obj=obj)


def may_record_results(obj):
    return bool(api.user.has_permission(RECORD_RESULTS, obj=obj))


def request_withdrawal(obj):
    """The mission asks the Secretariat to withdraw its candidature; the moderators are told by mail."""
    if not may_request_withdrawal(obj):
        raise RecordError(
            _(
                "error_cannot_request_withdrawal",
                default="Only the editors of the candidate's mission can request the withdrawal of a standing "
                "candidature, once.",
            )
        )
    obj.withdrawal_requested = True
    obj.reindexObject(idxs=["modified"])
    mission = missions.get(obj.mission)
    _notify_moderators(top_place(obj), obj, mission)


def _notify_moderators(place, obj, mission):
    shared = membership.effective_membership(place) if place is not None else None
    moderators = [p for p, granted in (shared.grants.items() if shared else []) if roles.MODERATOR in granted]
    if not moderators:
        return
    user = api.user.get_current()
    send(
        moderators,
        _("mail_withdrawal_subject", default="Withdrawal requested: ${title}", mapping={"title": obj.Title()}),
        _(
            "mail_withdrawal_body",
            default='${user} asks, for ${mission}, to withdraw the candidature "${title}".\n\n${url}',
            mapping={
                "user": user.getProperty("fullname", "") or user.getId(),
                "mission": mission.name("en"),
                "title": obj.Title(),
                "url": obj.absolute_url(),
            },
        ),
        reply_to=user.getId(),
    )


# Indexers: the candidature's election, organ, year and date, for the listings' filters.


@indexer(ICandidature)
def candidature_status_indexer(obj):
    return obj.status


@indexer(ICandidature)
def candidature_election_indexer(obj):
    return related_uid(obj, "election")


@indexer(ICandidature)
def candidature_organ_indexer(obj):
    return related_uid(related(obj, "election"), "organ")


@indexer(ICandidature)
def candidature_year_indexer(obj):
    return getattr(related(obj, "election"), "year", None)


@indexer(ICandidature)
def candidature_date_indexer(obj):
    value = getattr(related(obj, "election"), "election_date", None)
    return value.isoformat() if value else None


# What a candidature's listings show of its election: recomputed when the election changes.
FROM_ELECTION = ["organ", "year", "election_date"]


def reindex_candidatures(election, event):
    """An election changed (its organ, year or date): its candidatures, in every language, are listed anew."""
    catalog = api.portal.get_tool("portal_catalog")
    for translation in translations(election):
        # Unrestricted: the listings are everybody's, also the candidatures the editor of the election cannot see.
        for relation in api.relation.get(target=translation, relationship="election", unrestricted=True):
            candidature = relation.from_object
            if candidature is not None:
                catalog.reindexObject(candidature, idxs=FROM_ELECTION, update_metadata=True)
