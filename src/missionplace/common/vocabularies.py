"""Vocabularies of values with titles, translated for the user."""

from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


def translated(terms):
    """A vocabulary of ``terms`` ((value, message)...), titled in the user's language."""
    request = getRequest()
    return SimpleVocabulary([SimpleTerm(value, value, translate(title, context=request)) for value, title in terms])
