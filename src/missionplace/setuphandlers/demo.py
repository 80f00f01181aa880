"""Demo content for trying MissionPlace out (the missionplace:demo profile).

Everything here is sample data: it is created only by the demo profile, never
by missionplace:default, and it says so on the page.
"""

from missionplace import _
from missionplace import logger
from missionplace.candiweb.demo import create_candiweb_demo
from missionplace.common.languages import language_root
from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.common.translations import link_translations
from missionplace.missions import mission as missions
from missionplace.places import membership
from missionplace.places import roles
from missionplace.places.place import create_place
from missionplace.places.roles import SECRETARIAT_MODERATORS
from missionplace.review import notifications
from plone import api
from plone.app.textfield.value import RichTextValue
from zope.i18n import translate
import os


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
    link_translations({lang: _welcome_page(language_root(portal, lang), lang) for lang in OFFICIAL_LANGUAGES})
    create_accounts()
    # Sample content tells nobody: its accounts' addresses are not real.
    with notifications.quiet():
        create_places(portal)
        create_candiweb_demo(portal)
    logger.info("MissionPlace demo content created")


# Demo accounts: (user id, full name, mission code, function in the mission)
ACCOUNTS = [
    ("moderator", "Secretariat Moderator (demo)", None, None),
    ("editor-fra", "Éditrice de la Mission de la France (demo)", "fra", missions.EDITOR),
    ("focal-fra", "Point focal de la France (demo)", "fra", missions.FOCAL_POINT),
    ("editor-bra", "Editora da Missão do Brasil (demo)", "bra", missions.EDITOR),
    ("delegate-ken", "Delegate of Kenya (demo)", "ken", missions.DELEGATE),
]

INFORMATICS = {
    "ar": "الفريق العامل المخصص المفتوح العضوية المعني بالمعلوماتية",
    "zh": "信息学问题不限成员名额特设工作组",
    "en": "Ad Hoc Open-ended Working Group on Informatics",
    "fr": "Groupe de travail spécial à composition non limitée sur l'informatique",
    "ru": "Специальная рабочая группа открытого состава по информатике",
    "es": "Grupo de Trabajo Especial de Composición Abierta sobre Informática",
}

# (place type, id, title or None, the missions taking part as Mission editor)
PLACES = [
    ("candiweb", "candiweb", None, ("fra", "bra", "ken")),
    ("first-committee", "first-committee", None, ("fra", "bra", "ken")),
    ("working-group", "informatics", INFORMATICS, ("fra", "ken")),
]


def demo_password():
    return os.environ.get("MISSIONPLACE_DEMO_PASSWORD") or "demo"


def create_accounts():
    for user_id, fullname, code, function in ACCOUNTS:
        if api.user.get(userid=user_id) is None:
            # Straight into the user folder (not api.user.create, which applies the
            # password policy): "demo" is shorter than real accounts need, on purpose.
            api.portal.get_tool("acl_users").userFolderAddUser(user_id, demo_password(), ["Member"], [])
            api.user.get(userid=user_id).setMemberProperties(
                {"fullname": fullname, "email": f"{user_id}@missionplace.example"}
            )
        group = SECRETARIAT_MODERATORS if code is None else missions.get(code).function_group(function)
        if user_id not in [u.getId() for u in api.user.get_users(groupname=group)]:
            api.group.add_user(groupname=group, username=user_id)


def create_places(portal):
    for place_type, place_id, title, members in PLACES:
        if place_id in language_root(portal, "en").objectIds():
            continue
        with api.env.adopt_user(username="moderator"):
            place = create_place(place_type, place_id, title)
            membership.set_members(place, {missions.get(code).id: roles.MISSION_EDITOR for code in members})
        logger.info("demo place %s created", place_id)
