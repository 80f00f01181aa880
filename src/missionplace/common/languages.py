"""The six official languages of the United Nations, as MissionPlace uses them."""

from plone import api
from plone.app.multilingual.browser.setup import SetupMultilingualSite
from zope.component import getUtilitiesFor
from zope.i18n.gettextmessagecatalog import GettextMessageCatalog
from zope.i18n.interfaces import ITranslationDomain
from zope.interface.interfaces import ComponentLookupError


# Order of the language selector: the UN's alphabetical order in English.
OFFICIAL_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
DEFAULT_LANGUAGE = "en"
RIGHT_TO_LEFT = frozenset({"ar"})


def current_language():
    """The language of the current request as Plone negotiated it; English outside a request or a site."""
    try:
        return api.portal.get_current_language() or DEFAULT_LANGUAGE
    except (AttributeError, ComponentLookupError, KeyError):  # no request, no site, or no language settings
        return DEFAULT_LANGUAGE


def setup_languages(portal):
    """Make the six languages available and create their root folders.

    plone.app.multilingual only creates root folders for the languages that
    are available when it runs, so this runs after the registry is set.
    """
    api.portal.set_registry_record("plone.available_languages", list(OFFICIAL_LANGUAGES))
    api.portal.set_registry_record("plone.default_language", DEFAULT_LANGUAGE)
    SetupMultilingualSite().setupSite(portal)


def language_root(portal, language):
    """The language root folder of ``language`` (e.g. the ``fr`` folder)."""
    return portal.get(language)


def alias_chinese_catalogs(event=None):
    """Serve Plone's Chinese (zh_CN) translations to the ``zh`` language.

    MissionPlace's Chinese content is plain ``zh``, as the UN uses it, while
    Plone and the add-ons ship their catalogs as ``zh_CN``; without this the
    Chinese pages would show Plone's own interface in English.
    """
    for _name, domain in getUtilitiesFor(ITranslationDomain):
        catalogs = getattr(domain, "getCatalogsInfo", dict)()
        # Some packages ship a few "zh" messages: keep them, add zh_CN after.
        known = set(catalogs.get("zh", ()))
        for path in list(catalogs.get("zh_CN", ())):
            if path not in known:
                domain.addCatalog(GettextMessageCatalog("zh", domain.domain, path))
