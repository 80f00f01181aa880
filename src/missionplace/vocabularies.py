"""Vocabularies: missions, place types, place roles and the CandiWeb records, in the user's language."""

from missionplace import mission as missions
from missionplace import roles
from missionplace.place import place_types
from plone import api
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


def _language():
    try:
        return api.portal.get_current_language()
    except Exception:
        return "en"


@provider(IVocabularyFactory)
def missions_vocabulary(context=None):
    language = _language()
    return SimpleVocabulary([SimpleTerm(m.code, m.code, m.name(language)) for m in missions.missions().values()])


@provider(IVocabularyFactory)
def place_types_vocabulary(context=None):
    language = _language()
    return SimpleVocabulary(
        [
            SimpleTerm(pid, pid, pt["title"].get(language) or pt["title"]["en"])
            for pid, pt in sorted(place_types().items())
        ]
    )


@provider(IVocabularyFactory)
def place_roles_vocabulary(context=None):
    request = getRequest()
    return SimpleVocabulary([SimpleTerm(r, r, translate(roles.TITLES[r], context=request)) for r in roles.PLACE_ROLES])


def _translated(terms):
    request = getRequest()
    return SimpleVocabulary([SimpleTerm(value, value, translate(title, context=request)) for value, title in terms])


@provider(IVocabularyFactory)
def regional_groups_vocabulary(context=None):
    return _translated(missions.REGIONAL_GROUPS.items())


@provider(IVocabularyFactory)
def candidature_statuses_vocabulary(context=None):
    from missionplace.candiweb import CANDIDATURE_STATUSES

    return _translated(CANDIDATURE_STATUSES.items())


@provider(IVocabularyFactory)
def election_statuses_vocabulary(context=None):
    from missionplace.candiweb import ELECTION_STATUSES

    return _translated(ELECTION_STATUSES.items())


@provider(IVocabularyFactory)
def candidate_kinds_vocabulary(context=None):
    from missionplace.candiweb import CANDIDATE_KINDS

    return _translated(CANDIDATE_KINDS.items())


def _records(portal_type, current=None):
    """Records of a type the user sees, once each, titled in the user's language.

    ``current`` (the stored UID, possibly of another language's translation)
    stays valid: language-independent fields are copied between translations.
    """
    from missionplace.candiweb import one_per_record

    brains = one_per_record(api.content.find(portal_type=portal_type, sort_on="sortable_title"), _language())
    terms = [SimpleTerm(b.UID, b.UID, b.Title) for b in brains]
    if current and current not in {t.value for t in terms}:
        for brain in api.content.find(UID=current, portal_type=portal_type):
            terms.append(SimpleTerm(brain.UID, brain.UID, brain.Title))
    return SimpleVocabulary(terms)


@provider(IVocabularyFactory)
def organs_vocabulary(context=None):
    return _records("Organ", getattr(context, "organ", None))


@provider(IVocabularyFactory)
def elections_vocabulary(context=None):
    return _records("Election", getattr(context, "election", None))
