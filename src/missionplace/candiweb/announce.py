"""The "Announce a candidature" form: a mission editor's submission becomes a candidature under review.

The easyform action "missionplace: create candidature" checks the submission
(translated messages next to the fields), creates the Candidature in the
place's "candidatures" room for the submitter's own mission, attaches the
supporting document and submits it for review.  It does so with the
submitter's own rights: the policies let mission editors add candidatures and
the owning mission submit them; nothing is elevated.
"""

from AccessControl import Unauthorized
from collective.easyform.actions import Action
from collective.easyform.api import get_context
from collective.easyform.browser.view import EasyFormFormWrapper
from collective.easyform.config import FORM_ERROR_MARKER
from collective.easyform.interfaces import IAction
from datetime import date
from missionplace import _
from missionplace.candiweb.candidature import candidature_title
from missionplace.candiweb.records import is_secretariat
from missionplace.candiweb.records import related
from missionplace.candiweb.records import relation_to
from missionplace.candiweb.vocabularies import elections_vocabulary
from missionplace.common.translations import in_language
from missionplace.forms.actions import action_type
from missionplace.missions import mission as missions
from missionplace.permissions import ADD_CANDIDATURE
from missionplace.places import membership
from missionplace.places.membership import top_place
from plone import api
from plone.dexterity.utils import createContentInContainer
from plone.namedfile.file import NamedBlobFile
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five import BrowserView
from types import SimpleNamespace
from zope.i18n import translate
from zope.interface import implementer
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary
import transaction


ROOM = "candidatures"


def editor_missions(place, user=None):
    """The missions ``user`` is editor of that draft in ``place`` (take part as Mission editor)."""
    user = user or api.user.get_current()
    return [m for m in missions.of_user(user, missions.EDITOR) if membership.drafts_in(place, m)]


def announcing_missions(place, user=None):
    """The missions ``user`` may announce for in ``place``: their own; for the Secretariat, on behalf
    of any mission that drafts there."""
    if place is None:
        return []
    if is_secretariat(place, user):
        language = api.portal.get_current_language()
        return sorted(membership.drafting_missions(place), key=lambda m: m.name(language))
    return editor_missions(place, user)


def may_announce(form):
    """Who may use the form: whoever may add candidatures in the place's room (moderators, mission editors)."""
    place = top_place(form)
    room = place.get(ROOM) if place is not None else None
    return room is not None and bool(api.user.has_permission(ADD_CANDIDATURE, obj=room))


def _date(value):
    return api.portal.get_localized_time(value, long_format=False) if value else ""


def check(place, data, user=None):
    """(mission, election, errors): ``errors`` maps field names to messages, empty when all is well."""
    errors = {}
    own = announcing_missions(place, user)
    chosen = data.get("mission")
    mission = None
    if not own:
        errors[FORM_ERROR_MARKER] = _(
            "announce_error_no_mission",
            default="Only editors of a mission that takes part in this place announce candidatures.",
        )
    elif chosen and chosen not in {m.code for m in own}:
        # Someone tampering with the form, or an editor of several missions choosing another State.
        errors["mission"] = _(
            "announce_error_not_your_mission",
            default="You can only announce candidatures for your own Member State.",
        )
    elif chosen:
        mission = missions.get(chosen)
    elif len(own) == 1 and not is_secretariat(place, user):
        mission = own[0]
    else:
        errors["mission"] = _(
            "announce_error_which_mission",
            default="Choose the Member State that announces the candidature.",
        )
    # One of the place's elections in its language that the user sees, as the form's list offers.
    election = elections_vocabulary(place).find(data.get("election")) if data.get("election") else None
    if not data.get("election"):
        errors["election"] = _("announce_error_no_election", default="Choose the election.")
    elif election is None:
        errors["election"] = _("announce_error_unknown_election", default="There is no such election.")
    elif election.status != "upcoming":
        errors["election"] = _(
            "announce_error_election_held",
            default="This election has been held: it takes no more candidatures.",
        )
    elif election.deadline and election.deadline < date.today():
        errors["election"] = _(
            "announce_error_deadline",
            default="Nominations for this election closed on ${date}.",
            mapping={"date": _date(election.deadline)},
        )
    else:
        organ = related(election, "organ")
        if getattr(organ, "candidate_kind", None) == "person" and not (data.get("candidate_name") or "").strip():
            errors["candidate_name"] = _(
                "announce_error_person",
                default="Candidates for ${organ} are persons: give the candidate's name.",
                mapping={"organ": in_language(organ).Title()},
            )
    return mission, election, errors


def announce(form, data):
    """Create and submit the candidature of ``data``; returns it."""
    place = top_place(form)
    mission, election, errors = check(place, data)
    if errors:
        raise AnnouncementRefused(errors)
    language = form.Language() or "en"
    fields = {
        "mission": mission.code,
        "candidate_name": (data.get("candidate_name") or "").strip() or None,
        "election": relation_to(election),
    }
    candidature = createContentInContainer(
        place[ROOM],
        "Candidature",
        checkConstraints=True,
        title=candidature_title(SimpleNamespace(**fields), language),
        description=(data.get("note") or "").strip(),
        date_announced=data.get("date_announced") or date.today(),
        **fields,
    )
    # As ownership.record_owning_mission does: the mission owns it, not the person.
    if mission in editor_missions(place):
        candidature.manage_delLocalRoles([api.user.get_current().getId()])
        candidature.reindexObjectSecurity()
    document = data.get("note_verbale")
    if document is not None and getattr(document, "size", 0):
        createContentInContainer(
            candidature,
            "File",
            checkConstraints=True,
            title=document.filename,
            file=NamedBlobFile(data=document.data, filename=document.filename, contentType=document.contentType),
        )
    api.content.transition(obj=candidature, transition="submit")
    return candidature


class AnnouncementRefused(ValueError):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class ICreateCandidature(IAction):
    """Creates a candidature for the submitter's mission and submits it for review."""


@implementer(ICreateCandidature)
class CreateCandidature(Action):
    __doc__ = ICreateCandidature.__doc__

    def onSuccess(self, fields, request):
        form = get_context(self)
        savepoint = transaction.savepoint()
        try:
            candidature = announce(form, fields)
        except AnnouncementRefused as refused:
            return {name: translate(message, context=request) for name, message in refused.errors.items()}
        except (Unauthorized, WorkflowException, ValueError):
            # Nothing half-done: the candidature and its document go together or not at all.
            savepoint.rollback()
            return {
                FORM_ERROR_MARKER: translate(
                    _("announce_error_not_allowed", default="You may not announce candidatures here."),
                    context=request,
                )
            }
        api.portal.show_message(
            _(
                "announce_submitted",
                default="Your candidature was submitted to the Secretariat for review.",
            ),
            request=request,
        )
        request.response.redirect(candidature.absolute_url())
        return None


CreateCandidatureAction, CreateCandidatureHandler = action_type(
    CreateCandidature, _("action_create_candidature", default="MissionPlace: create candidature")
)


class AnnounceFormView(EasyFormFormWrapper):
    """The form's page, for those who may announce: mission editors of the place and moderators."""

    def __call__(self):
        if not may_announce(self.context):
            raise Unauthorized("announce-candidature")
        return super().__call__()


class SeveralMissions(BrowserView):
    """Whether the form asks which mission: of editors of several missions, and of the Secretariat."""

    def __call__(self):
        place = top_place(self.context)
        return is_secretariat(place) or len(announcing_missions(place)) > 1


@provider(IVocabularyFactory)
def own_missions_vocabulary(context=None):
    """The missions the current user may announce for in the place of ``context``."""
    language = api.portal.get_current_language()
    place = top_place(context) if getattr(context, "aq_chain", None) else None
    return SimpleVocabulary([SimpleTerm(m.code, m.code, m.name(language)) for m in announcing_missions(place)])
