"""The demo profile: sample pages in the six languages, linked as translations."""

from missionplace.common.languages import OFFICIAL_LANGUAGES
from plone import api
from plone.app.multilingual.interfaces import ITranslationManager
import pytest


@pytest.fixture
def demo(portal, setup_tool):
    with api.env.adopt_roles(["Manager"]):
        setup_tool.runAllImportStepsFromProfile("profile-missionplace:demo")
    return portal


def test_welcome_page_in_every_language(demo):
    titles = {lang: demo[lang]["welcome"].Title() for lang in OFFICIAL_LANGUAGES}
    assert titles == {
        "ar": "مرحبا بكم في MissionPlace",
        "zh": "欢迎使用 MissionPlace",
        "en": "Welcome to MissionPlace",
        "fr": "Bienvenue sur MissionPlace",
        "ru": "Добро пожаловать в MissionPlace",
        "es": "Bienvenidos a MissionPlace",
    }
    for lang in OFFICIAL_LANGUAGES:
        page = demo[lang]["welcome"]
        assert page.Language() == lang
        assert demo[lang].getDefaultPage() == "welcome"
        assert api.content.get_state(page) == "published"


def test_welcome_pages_are_translations_of_each_other(demo):
    translations = ITranslationManager(demo["en"]["welcome"]).get_translations()
    assert sorted(translations) == sorted(OFFICIAL_LANGUAGES)
    assert translations["ar"] == demo["ar"]["welcome"]


def test_demo_profile_runs_twice_without_duplicates(demo, setup_tool):
    with api.env.adopt_roles(["Manager"]):
        setup_tool.runAllImportStepsFromProfile("profile-missionplace:demo")
    for lang in OFFICIAL_LANGUAGES:
        assert [i for i in demo[lang].objectIds() if i.startswith("welcome")] == ["welcome"]
