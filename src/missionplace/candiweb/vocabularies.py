"""Vocabularies of CandiWeb: statuses, kinds of candidates, and the organs and elections a record may point to."""

from missionplace.candiweb.records import CANDIDATE_KINDS
from missionplace.candiweb.records import CANDIDATURE_STATUSES
from missionplace.candiweb.records import ELECTION_STATUSES
from missionplace.candiweb.records import related
from missionplace.common.translations import translations
from missionplace.common.vocabularies import translated
from missionplace.places.membership import top_place
from plone import api
from plone.uuid.interfaces import IUUID
from zope.component import getUtility
from zope.interface import provider
from zope.intid.interfaces import IIntIds
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


@provider(IVocabularyFactory)
def candidature_statuses_vocabulary(context=None):
    return translated(CANDIDATURE_STATUSES.items())


@provider(IVocabularyFactory)
def election_statuses_vocabulary(context=None):
    return translated(ELECTION_STATUSES.items())


@provider(IVocabularyFactory)
def candidate_kinds_vocabulary(context=None):
    return translated(CANDIDATE_KINDS.items())


class Records(SimpleVocabulary):
    """The records of one type a relation field may point to, by UID (the terms' value and token).

    A record is in it by its UID or as the object (z3c.relationfield validates
    the target object, the announce form's Choice the UID).
    """

    def __init__(self, brains):
        self.brains = {brain.UID: brain for brain in brains}
        super().__init__([SimpleTerm(uid, uid, brain.Title) for uid, brain in self.brains.items()])

    def __contains__(self, value):
        return (value if isinstance(value, str) else IUUID(value, None)) in self.brains

    def find(self, reference):
        """The record a client names, as plone.restapi takes it: UID, path, URL, intid or {"@id"}; else None."""
        if isinstance(reference, dict):
            reference = reference.get("UID") or reference.get("@id")
        if isinstance(reference, int) and not isinstance(reference, bool):
            reference = IUUID(getUtility(IIntIds).queryObject(reference), None)
        if not isinstance(reference, str):
            return None
        portal = api.portal.get()
        url = portal.absolute_url()
        if reference.startswith(f"{url}/"):
            reference = reference[len(url) :]
        if reference.startswith("/"):
            # Compared with the records' paths, never traversed (acquisition finds an item under any path).
            path = "/".join(portal.getPhysicalPath()) + reference.rstrip("/")
            reference = next((uid for uid, brain in self.brains.items() if brain.getPath() == path), None)
        brain = self.brains.get(reference)
        return brain.getObject() if brain is not None else None


def records(portal_type, context, name):
    """The records of ``portal_type`` in the place of ``context``, in its language, that the user sees.

    A relation ``name`` already points to stays valid where plone.app.multilingual
    left it: in the place's translation in another language, when the record has none in this one.
    """
    place = top_place(context) if getattr(context, "aq_chain", None) else None
    if place is None:
        return Records([])
    catalog = api.portal.get_tool("portal_catalog")
    brains = list(catalog(portal_type=portal_type, path="/".join(place.getPhysicalPath()), sort_on="sortable_title"))
    current = related(context, name)
    if current is not None and IUUID(current, None) not in {b.UID for b in brains}:
        paths = ["/".join(p.getPhysicalPath()) for p in translations(place, restricted=True)]
        brains += catalog(UID=IUUID(current), portal_type=portal_type, path=paths)
    return Records(brains)


@provider(IVocabularyFactory)
def organs_vocabulary(context=None):
    return records("Organ", context, "organ")


@provider(IVocabularyFactory)
def elections_vocabulary(context=None):
    return records("Election", context, "election")
