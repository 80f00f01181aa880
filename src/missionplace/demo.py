"""Demo content for trying MissionPlace out (the missionplace:demo profile).

Everything here is sample data: it is created only by the demo profile, never
by missionplace:default, and it says so on the page.
"""

from missionplace import _
from missionplace import logger
from missionplace.languages import language_root
from missionplace.languages import OFFICIAL_LANGUAGES
from plone import api
from plone.app.multilingual.interfaces import ITranslationManager
from plone.app.textfield.value import RichTextValue
from zope.i18n import translate


WELCOME_ID = "welcome"
WELCOME_TITLE = _("demo_welcome_title", default="Welcome to MissionPlace")
WELCOME_DESCRIPTION = _(
    "demo_welcome_description",
    default="Where the Permanent Missions to the United Nations and the Secretariat "
    "draft, review and publish together.",
)
WELCOME_TEXT = _(
    "demo_welcome_text",
    default="This is a demonstration site with sample content. Missions draft pages "
    "for their Member State and submit them for review; the Secretariat reviews, "
    "approves and publishes them, in all six official languages.",
)


def _welcome_page(root, language):
    if WELCOME_ID in root.objectIds():
        return root[WELCOME_ID]
    text = translate(WELCOME_TEXT, target_language=language)
    page = api.content.create(
        container=root,
        type="Document",
        id=WELCOME_ID,
        title=translate(WELCOME_TITLE, target_language=language),
        description=translate(WELCOME_DESCRIPTION, target_language=language),
        text=RichTextValue(f"<p>{text}</p>", "text/html", "text/x-html-safe"),
        language=language,
    )
    api.content.transition(obj=page, to_state="published")
    root.setDefaultPage(WELCOME_ID)
    return page


def post_install(context):
    """Create the demo content; running it again changes nothing."""
    portal = api.portal.get()
    pages = {lang: _welcome_page(language_root(portal, lang), lang) for lang in OFFICIAL_LANGUAGES}
    manager = ITranslationManager(pages["en"])
    for lang, page in pages.items():
        if lang != "en" and not manager.has_translation(lang):
            manager.register_translation(lang, page)
    logger.info("MissionPlace demo content created")
