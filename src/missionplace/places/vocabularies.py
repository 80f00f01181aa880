"""Vocabularies of places: place types and place roles, in the user's language."""

from missionplace.common.languages import current_language
from missionplace.places import roles
from missionplace.places.types import place_types
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


@provider(IVocabularyFactory)
def place_types_vocabulary(context=None):
    language = current_language()
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
