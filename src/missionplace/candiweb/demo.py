"""CandiWeb sample data: organs, elections and candidatures (the missionplace:demo profile only).

Everything here is invented for trying CandiWeb out and says so ("sample
data") in each language.  Organs and elections exist in all six languages,
linked as translations; each candidature too, its title composed from the
State's and the election's names in that language.  Data fields are the same
in every language.
"""

from missionplace import logger
from missionplace.candiweb.records import relation_to
from missionplace.common.languages import language_root
from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.common.translations import create_in_languages
from missionplace.missions import mission as missions
from pathlib import Path
from plone import api
from plone.app.textfield.value import RichTextValue
from Products.CMFCore.indexing import processQueue
import tomllib


# The tables themselves, in six languages, are data/demo.toml.
DATA = Path(__file__).parent / "data" / "demo.toml"
_DEMO = tomllib.loads(DATA.read_text(encoding="utf-8"))

SAMPLE = _DEMO["sample"]
# (id, candidate kind, {language: title}, membership rules in English)
ORGANS = [(o["id"], o["candidate_kind"], o["title"], o["membership_rules"]) for o in _DEMO["organs"]]
# (id, organ id, session, year, election date, deadline, term, seats, status, {language: title})
ELECTIONS = [
    (
        e["id"],
        e["organ"],
        e["session"],
        e["year"],
        e["election_date"],
        e["deadline"],
        e["term"],
        e["seats"],
        e["status"],
        e["title"],
    )
    for e in _DEMO["elections"]
]
# (election id, mission, candidate name, date announced, review state, status)
CANDIDATURES = [
    (election_id, c["mission"], c.get("name", ""), c["announced"], c["state"], c["status"])
    for election_id, candidatures in _DEMO["candidatures"].items()
    for c in candidatures
]
RESULT_NOTES = _DEMO["result_notes"]

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
    # As the demo moderator (the records' creator), with the site administrators' role, to which
    # every policy gives every action: the sample candidatures are submitted on the missions'
    # behalf, and the "System Processes" user of a script (make run) has no role a guard knows.
    with api.env.adopt_user(username="moderator"), api.env.adopt_roles(["Site Administrator"]):
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
