"""Vocabularies: missions, place types and place roles, in the user's language."""

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
