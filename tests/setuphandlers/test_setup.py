"""missionplace:default installs what the site needs, and uninstalls cleanly."""

from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.interfaces import IMissionPlaceLayer
from plone import api
from plone.app.multilingual.interfaces import ILanguageRootFolder
from plone.browserlayer.utils import registered_layers
from zope.i18n import translate
import pytest


ADDONS = [
    "plone.restapi",
    "plone.app.multilingual",
    "collective.easyform",
    "plone.app.iterate",
    "plone.app.caching",
    "plonetheme.barceloneta",
]


class TestInstall:
    def test_product_installed(self, installer):
        assert installer.is_product_installed("missionplace")

    @pytest.mark.parametrize("addon", ADDONS)
    def test_addon_installed(self, installer, addon):
        assert installer.is_product_installed(addon), addon

    def test_browserlayer(self, browser_layers):
        assert IMissionPlaceLayer in browser_layers

    def test_profile_version(self, setup_tool):
        assert setup_tool.getLastVersionForProfile("missionplace:default") == ("1002",)

    def test_barceloneta_is_the_theme(self, portal):
        from plone.app.theming.utils import getCurrentTheme

        assert getCurrentTheme() == "barceloneta"

    def test_six_languages(self, portal):
        assert api.portal.get_registry_record("plone.available_languages") == list(OFFICIAL_LANGUAGES)
        assert api.portal.get_registry_record("plone.default_language") == "en"

    @pytest.mark.parametrize("language", OFFICIAL_LANGUAGES)
    def test_language_root_folder(self, portal, language):
        root = portal[language]
        assert ILanguageRootFolder.providedBy(root)
        assert root.Language() == language

    def test_chinese_gets_plones_own_translations(self, portal):
        # Plone ships zh_CN; MissionPlace's Chinese is "zh".
        assert translate("Log in", domain="plone", target_language="zh") == "登录"

    def test_profile_reapplies_without_change(self, portal, setup_tool):
        setup_tool.runAllImportStepsFromProfile("profile-missionplace:default")
        assert [lang for lang in OFFICIAL_LANGUAGES if lang in portal.objectIds()] == list(OFFICIAL_LANGUAGES)


class TestUninstall:
    @pytest.fixture(autouse=True)
    def _uninstall(self, installer):
        installer.uninstall_product("missionplace")

    def test_product_uninstalled(self, installer):
        assert not installer.is_product_installed("missionplace")

    def test_browserlayer_removed(self):
        assert IMissionPlaceLayer not in registered_layers()

    def test_addons_panel_offers_install_again(self, portal, http_request):
        view = api.content.get_view("prefs_install_products_form", portal, http_request)
        addon = view.get_addons()["missionplace"]
        assert addon["install_profile_id"] == "missionplace:default"
        assert addon["uninstall_profile_id"] == "missionplace:uninstall"
        assert not addon["is_installed"]


def test_site_logo(portal):
    logo = api.portal.get_registry_record("plone.site_logo")
    assert logo.startswith(b"filenameb64:bG9nby5zdmc=;datab64:")
