"""Dates as the user's language writes them."""

from missionplace.common.languages import current_language
from zope.i18n.locales import locales
from zope.i18n.locales.provider import LoadLocaleError


def format_date(value, language=None):
    """A date as ``language`` (default: the user's) writes it: CLDR's long form (the medium one has two-digit years)."""
    if not value:
        return ""
    language = language or current_language()
    try:
        locale = locales.getLocale(language.split("-")[0], None, None)
    except LoadLocaleError:  # a language CLDR does not know
        return value.isoformat()
    return locale.dates.getFormatter("date", "long").format(value)
