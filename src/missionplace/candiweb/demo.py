"""CandiWeb sample data: organs, elections and candidatures (the missionplace:demo profile only).

Everything here is invented for trying CandiWeb out and says so ("sample
data") in each language.  Organs and elections exist in all six languages,
linked as translations; each candidature too, its title composed from the
State's and the election's names in that language.  Data fields are the same
in every language.
"""

from datetime import date
from missionplace import logger
from missionplace.candiweb.records import relation_to
from missionplace.common.languages import language_root
from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.common.translations import create_in_languages
from missionplace.missions import mission as missions
from plone import api
from plone.app.textfield.value import RichTextValue
from Products.CMFCore.indexing import processQueue


SAMPLE = {
    "ar": "بيانات نموذجية",
    "zh": "示例数据",
    "en": "Sample data",
    "fr": "Données d'exemple",
    "ru": "Образец данных",
    "es": "Datos de ejemplo",
}

# (id, candidate kind, {language: title}, membership rules in English)
ORGANS = [
    (
        "security-council",
        "state",
        {
            "ar": "مجلس الأمن",
            "zh": "安全理事会",
            "en": "Security Council",
            "fr": "Conseil de sécurité",
            "ru": "Совет Безопасности",
            "es": "Consejo de Seguridad",
        },
        "Five permanent and ten non-permanent members; the General Assembly elects five non-permanent members "
        "each year for two-year terms.",
    ),
    (
        "economic-and-social-council",
        "state",
        {
            "ar": "المجلس الاقتصادي والاجتماعي",
            "zh": "经济及社会理事会",
            "en": "Economic and Social Council",
            "fr": "Conseil économique et social",
            "ru": "Экономический и Социальный Совет",
            "es": "Consejo Económico y Social",
        },
        "54 members elected by the General Assembly for overlapping three-year terms; 18 seats each year.",
    ),
    (
        "human-rights-council",
        "state",
        {
            "ar": "مجلس حقوق الإنسان",
            "zh": "人权理事会",
            "en": "Human Rights Council",
            "fr": "Conseil des droits de l'homme",
            "ru": "Совет по правам человека",
            "es": "Consejo de Derechos Humanos",
        },
        "47 members elected by secret ballot by the General Assembly for three-year terms, by regional group.",
    ),
    (
        "international-court-of-justice",
        "person",
        {
            "ar": "محكمة العدل الدولية",
            "zh": "国际法院",
            "en": "International Court of Justice",
            "fr": "Cour internationale de Justice",
            "ru": "Международный Суд",
            "es": "Corte Internacional de Justicia",
        },
        "Fifteen judges elected by the General Assembly and the Security Council for nine-year terms.",
    ),
    (
        "international-law-commission",
        "person",
        {
            "ar": "لجنة القانون الدولي",
            "zh": "国际法委员会",
            "en": "International Law Commission",
            "fr": "Commission du droit international",
            "ru": "Комиссия международного права",
            "es": "Comisión de Derecho Internacional",
        },
        "34 experts elected by the General Assembly for five-year terms.",
    ),
]

# (id, organ id, session, year, election date, deadline, term, seats, status, {language: title})
ELECTIONS = [
    (
        "security-council-2028-2029",
        "security-council",
        "81st session",
        2027,
        date(2027, 6, 8),
        date(2027, 5, 7),
        "2028-2029",
        {"african": 2, "asia-pacific": 1, "latin-american-caribbean": 1, "western-european-others": 1},
        "upcoming",
        {
            "ar": "مجلس الأمن: الأعضاء غير الدائمين 2028-2029",
            "zh": "安全理事会：2028-2029年非常任理事国",
            "en": "Security Council: non-permanent members 2028-2029",
            "fr": "Conseil de sécurité : membres non permanents 2028-2029",
            "ru": "Совет Безопасности: непостоянные члены на 2028-2029 годы",
            "es": "Consejo de Seguridad: miembros no permanentes 2028-2029",
        },
    ),
    (
        "human-rights-council-2028-2030",
        "human-rights-council",
        "82nd session",
        2027,
        date(2027, 10, 12),
        date(2027, 9, 10),
        "2028-2030",
        {
            "african": 5,
            "asia-pacific": 5,
            "eastern-european": 2,
            "latin-american-caribbean": 3,
            "western-european-others": 3,
        },
        "upcoming",
        {
            "ar": "مجلس حقوق الإنسان 2028-2030",
            "zh": "人权理事会 2028-2030年",
            "en": "Human Rights Council 2028-2030",
            "fr": "Conseil des droits de l'homme 2028-2030",
            "ru": "Совет по правам человека на 2028-2030 годы",
            "es": "Consejo de Derechos Humanos 2028-2030",
        },
    ),
    (
        "economic-and-social-council-2028-2030",
        "economic-and-social-council",
        "81st session",
        2027,
        date(2027, 6, 10),
        date(2027, 5, 14),
        "2028-2030",
        {
            "african": 5,
            "asia-pacific": 4,
            "eastern-european": 2,
            "latin-american-caribbean": 4,
            "western-european-others": 3,
        },
        "upcoming",
        {
            "ar": "المجلس الاقتصادي والاجتماعي 2028-2030",
            "zh": "经济及社会理事会 2028-2030年",
            "en": "Economic and Social Council 2028-2030",
            "fr": "Conseil économique et social 2028-2030",
            "ru": "Экономический и Социальный Совет на 2028-2030 годы",
            "es": "Consejo Económico y Social 2028-2030",
        },
    ),
    (
        "human-rights-council-2027-2029",
        "human-rights-council",
        "81st session",
        2026,
        date(2026, 10, 14),
        date(2026, 9, 11),
        "2027-2029",
        {
            "african": 4,
            "asia-pacific": 4,
            "eastern-european": 2,
            "latin-american-caribbean": 3,
            "western-european-others": 2,
        },
        "held",
        {
            "ar": "مجلس حقوق الإنسان 2027-2029",
            "zh": "人权理事会 2027-2029年",
            "en": "Human Rights Council 2027-2029",
            "fr": "Conseil des droits de l'homme 2027-2029",
            "ru": "Совет по правам человека на 2027-2029 годы",
            "es": "Consejo de Derechos Humanos 2027-2029",
        },
    ),
]

# (election id, mission, candidate name, date announced, review state, status)
CANDIDATURES = [
    ("security-council-2028-2029", "ken", "", date(2025, 9, 20), "published", "announced"),
    ("security-council-2028-2029", "gha", "", date(2025, 11, 3), "published", "announced"),
    ("security-council-2028-2029", "phl", "", date(2024, 2, 14), "public", "announced"),
    ("security-council-2028-2029", "bra", "", date(2025, 6, 30), "published", "announced"),
    ("security-council-2028-2029", "aut", "", date(2023, 4, 12), "published", "announced"),
    ("security-council-2028-2029", "prt", "", date(2023, 10, 2), "published", "announced"),
    ("human-rights-council-2028-2030", "fra", "", date(2026, 3, 2), "published", "announced"),
    ("human-rights-council-2028-2030", "bra", "", date(2026, 4, 21), "published", "announced"),
    ("human-rights-council-2028-2030", "pol", "", date(2026, 1, 15), "published", "announced"),
    ("human-rights-council-2028-2030", "ken", "", date(2026, 11, 2), "pending", "announced"),
    ("economic-and-social-council-2028-2030", "fra", "", date(2026, 5, 5), "published", "announced"),
    ("economic-and-social-council-2028-2030", "ken", "", date(2026, 6, 18), "published", "announced"),
    ("human-rights-council-2027-2029", "bra", "", date(2025, 8, 1), "published", "elected"),
    ("human-rights-council-2027-2029", "ken", "", date(2025, 9, 9), "published", "elected"),
    ("human-rights-council-2027-2029", "esp", "", date(2024, 3, 4), "published", "elected"),
    ("human-rights-council-2027-2029", "che", "", date(2024, 6, 24), "published", "elected"),
    ("human-rights-council-2027-2029", "isl", "", date(2025, 1, 30), "published", "not-elected"),
]

RESULT_NOTES = (
    "<p>Sample data: in this invented election the General Assembly filled the two Western European seats in "
    "the first round; the African and Latin American slates were clean.</p>"
)

# The path to each review state from draft, in the mission review policy.
TRANSITIONS = {"draft": [], "pending": ["submit"], "published": ["submit", "approve"]}
TRANSITIONS["public"] = [*TRANSITIONS["published"], "make_public"]


def _rooms(portal, room):
    return {lang: language_root(portal, lang)["candiweb"][room] for lang in OFFICIAL_LANGUAGES}


def _linked(containers, portal_type, item_id, titles, **fields):
    """The item in each language's container, created if missing and linked as translations."""

    def values(language):
        found = {key: (value(language) if callable(value) else value) for key, value in fields.items()}
        title = titles(language) if callable(titles) else titles[language]
        return {"title": title, "description": SAMPLE[language], **found}

    return create_in_languages(containers, portal_type, item_id, values, reuse=True)


def _to_state(obj, state):
    if api.content.get_state(obj) != "draft":
        return
    for transition in TRANSITIONS[state]:
        api.content.transition(obj=obj, transition=transition)


def create_candiweb_demo(portal):
    """Create the CandiWeb sample records in the demo CandiWeb place; running it again changes nothing."""
    if "candiweb" not in language_root(portal, "en").objectIds():
        return
    # As the demo moderator with the Manager role: workflow guards check roles,
    # which the "System Processes" user of a script (make run) does not have.
    with api.env.adopt_user(username="moderator"), api.env.adopt_roles(["Manager"]):
        organs = {}
        for organ_id, kind, titles, rules in ORGANS:
            organs[organ_id] = _linked(
                _rooms(portal, "organs"),
                "Organ",
                organ_id,
                titles,
                candidate_kind=kind,
                membership_rules=RichTextValue(f"<p>{rules}</p>", "text/html", "text/x-html-safe"),
            )
        elections = {}
        for election_id, organ_id, session, year, when, deadline, term, seats, status, titles in ELECTIONS:
            elections[election_id] = _linked(
                _rooms(portal, "elections"),
                "Election",
                election_id,
                {lang: f"{title} ({SAMPLE[lang].lower()})" for lang, title in titles.items()},
                organ=lambda lang, organ_id=organ_id: relation_to(organs[organ_id][lang]),
                session=session,
                year=year,
                election_date=when,
                deadline=deadline,
                term=term,
                seats=dict(seats),
                status=status,
                result_notes=RichTextValue(RESULT_NOTES, "text/html", "text/x-html-safe") if status == "held" else None,
            )
        for election_id, code, name, announced, state, status in CANDIDATURES:
            election = elections[election_id]
            item = _linked(
                _rooms(portal, "candidatures"),
                "Candidature",
                f"{code}-{election_id}",
                lambda lang, e=election, c=code, n=name: _title(e[lang], c, n, lang),
                mission=code,
                candidate_name=name or None,
                election=lambda lang, e=election: relation_to(e[lang]),
                date_announced=announced,
                status=status,
            )
            for obj in item.values():
                _to_state(obj, state)
        for items in (*organs.values(), *elections.values()):
            for obj in items.values():
                _to_state(obj, "public")
    # Index now, while the site is set: security and translation groups are computed from it.
    processQueue()
    logger.info("CandiWeb sample data: %d organs, %d elections, %d candidatures", len(organs), len(elections),
                len(CANDIDATURES))  # fmt: skip


def _title(election, code, name, language):
    state = missions.get(code).name(language)
    return f"{name} ({state}) -- {election.Title()}" if name else f"{state} -- {election.Title()}"
