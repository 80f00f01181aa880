"""Vocabularies of missions: the missions and the regional groups, in the user's language."""

from missionplace.common.languages import current_language
from missionplace.common.vocabularies import translated
from missionplace.missions import mission as missions
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


@provider(IVocabularyFactory)
def missions_vocabulary(context=None):
    language = current_language()
    return SimpleVocabulary([SimpleTerm(m.code, m.code, m.name(language)) for m in missions.missions().values()])


@provider(IVocabularyFactory)
def regional_groups_vocabulary(context=None):
    return translated(missions.REGIONAL_GROUPS.items())
