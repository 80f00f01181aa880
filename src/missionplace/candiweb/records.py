"""CandiWeb: what organs, elections and candidatures share.

The three records are addable only in places whose place type lists them
(the "types" key of placetypes.json: CandiWeb).  Their data fields are the
same in every language (language independent), so a listing shows each record
once, in the user's language when a translation exists.

A candidature's election and an election's organ are relations
(RelationChoice): the relation catalog knows them, so link integrity warns
before a record something points to is deleted.  Language independent too:
plone.app.multilingual copies a relation to each translation as a relation to
the target's translation in that language.
"""

from Acquisition import aq_base
from missionplace import _
from missionplace.common.languages import current_language
from missionplace.common.translations import in_language
from missionplace.interfaces import IPlace
from missionplace.places.membership import top_place
from missionplace.places.types import place_types
from plone import api
from plone.app.multilingual.dx.interfaces import ILanguageIndependentField
from plone.app.multilingual.dx.interfaces import MULTILINGUAL_KEY
from plone.base.interfaces.constrains import ENABLED
from plone.base.interfaces.constrains import IConstrainTypes
from z3c.relationfield import RelationValue
from z3c.relationfield.interfaces import IRelationValue
from zope.component import adapter
from zope.component import getUtility
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.intid.interfaces import IIntIds


RECORD_TYPES = ("Organ", "Election", "Candidature")
PLACE_TYPE = "candiweb"

SECRETARIAT_ROLES = {"Manager", "Site Administrator", "SecretariatModerator"}

CANDIDATURE_STATUSES = {
    "announced": _("candidature_announced", default="Announced"),
    "withdrawn": _("candidature_withdrawn", default="Withdrawn"),
    "elected": _("candidature_elected", default="Elected"),
    "not-elected": _("candidature_not_elected", default="Not elected"),
}
ELECTION_STATUSES = {
    "upcoming": _("election_upcoming", default="Upcoming"),
    "held": _("election_held", default="Held"),
}
CANDIDATE_KINDS = {
    "state": _("candidate_kind_state", default="The Member State"),
    "person": _("candidate_kind_person", default="A named person (judicial and expert bodies)"),
}


class RecordError(ValueError):
    """A record that cannot be created or changed; the message says why."""


def mark_language_independent(schema):
    """Mark the fields the schema's ``languageindependent`` directive names, at once.

    plone.app.multilingual does it when plone.supermodel finalizes schemas at
    the end of the ZCML configuration, which misses schemas imported later
    (test layers load add-ons after Plone): marked here, they are the same
    in every translation wherever the schema is loaded.
    """
    for _form, name, _value in schema.queryTaggedValue(MULTILINGUAL_KEY) or ():
        alsoProvides(schema[name], ILanguageIndependentField)


def addable_types(obj):
    """The record types a place type allows at ``obj`` (none outside places)."""
    place = top_place(obj)
    if place is None:
        return ()
    return tuple(place_types().get(place.place_type, {}).get("types", ()))


@implementer(IConstrainTypes)
@adapter(IPlace)
class PlaceTypeConstraint:
    """Places and rooms: the FTI's allowed types, less the records their place type does not list."""

    def __init__(self, context):
        self.context = context

    def getConstrainTypesMode(self):
        return ENABLED

    def allowedContentTypes(self, context=None):
        allowed = addable_types(self.context)
        return [fti for fti in self._fti_allowed() if fti.getId() not in RECORD_TYPES or fti.getId() in allowed]

    def _fti_allowed(self):
        """The types the container's FTI allows and the user may add here (what a folder without a
        constraint offers)."""
        types_tool = api.portal.get_tool("portal_types")
        own = types_tool.getTypeInfo(self.context)
        return [
            fti
            for fti in types_tool.listTypeInfo()
            if (own is None or own.allowType(fti.getId())) and fti.isConstructionAllowed(self.context)
        ]

    def getLocallyAllowedTypes(self, context=None):
        return [fti.getId() for fti in self.allowedContentTypes()]

    def getImmediatelyAddableTypes(self, context=None):
        return self.getLocallyAllowedTypes()

    def getDefaultAddableTypes(self, context=None):
        return self.allowedContentTypes()


def check_addable(obj, event):
    """Last line behind the constraint: code that skips it still cannot add a record elsewhere."""
    if obj.portal_type not in addable_types(obj):
        raise RecordError(
            _(
                "error_record_outside_candiweb",
                default="Organs, elections and candidatures can only be added in a CandiWeb place.",
            )
        )


def is_secretariat(context, user=None):
    """Whether the user acts for the Secretariat at ``context``: moderators and site administrators."""
    user = user or api.user.get_current()
    if user is None or api.user.is_anonymous():
        return False
    return bool(SECRETARIAT_ROLES & set(api.user.get_roles(user=user, obj=context)))


def related(obj, name):
    """The record ``obj``'s relation field ``name`` points to, whoever may see it (for computed values), else None.

    A candidature's ``election`` and an election's ``organ`` are RelationChoice
    fields: every reader goes through here.
    """
    value = getattr(aq_base(obj), name, None)
    return value.to_object if IRelationValue.providedBy(value) else None


def related_uid(obj, name):
    """The UID of what ``related`` finds, else None: what the listings' indexes hold."""
    target = related(obj, name)
    return api.content.get_uuid(target) if target is not None else None


def relation_to(obj):
    """A new relation to ``obj``, to store in a relation field of one item (the relation catalog learns it
    when the item is added or modified)."""
    intids = getUtility(IIntIds)
    return RelationValue(intids.queryId(obj) or intids.register(obj))


def one_per_record(brains, language=None):
    """Each record once: its translation in ``language``, else English, else any; catalog order kept."""
    language = language or current_language()
    chosen, order = {}, []

    def rank(brain):
        return {language: 0, "en": 1}.get(brain.Language, 2)

    for brain in brains:
        # plone.app.multilingual's catalog column: every translatable item has its group.
        key = brain.TranslationGroup or brain.UID
        if key not in chosen:
            order.append(key)
            chosen[key] = brain
        elif rank(brain) < rank(chosen[key]):
            chosen[key] = brain
    return [chosen[key] for key in order]


def by_election_date(brains):
    """``brains`` (elections or candidatures) by election date, those without a date last.

    Not the catalog's ``sort_on``: it leaves out whatever the index holds no
    value for, and an election may have no date yet.
    """
    return sorted(brains, key=lambda brain: (not brain.election_date, brain.election_date or ""))


def visible(obj, language=None):
    """For pages: ``obj`` in the user's language if they may see it, else None.

    A relation leads to its target whoever may see it; the target is shown only to whoever may
    view it (an archived election's title stays hidden under a public record).
    """
    found = in_language(obj, language)
    return found if found is not None and api.user.has_permission("View", obj=found) else None
