"""The instance's generate command: generated content for benchmarks, on a real instance database (FileStorage).

One demo site is created; copies of it are filled by the real command, in steps
(60 items, then up to 120) and at once (120), and read back by a child process.
"""

from missionplace_instance import generate
from test_instance import COMMAND
from test_instance import REPO
import collections
import io
import itertools
import json
import math
import os
import pypdf
import pytest
import random
import re
import shutil
import subprocess
import sys


SEED = 7
# What a site holds after a run: every generated item, the generated places' members, the moderator's queue.
READ_BACK = """
import json, sys, io
from missionplace.places import membership
from missionplace.review.queues import review_queue
from missionplace_instance.app import zope_app
from plone import api
from zope.component.hooks import setSite

with zope_app(sys.argv[1]) as app:
    site = app["missionplace"]
    setSite(site)
    items = {}
    for brain in site.portal_catalog.unrestrictedSearchResults(Subject="generated"):
        obj = brain._unrestrictedGetObject()
        history = [entry for entries in obj.workflow_history.values() for entry in entries]
        items[brain.getPath().split("/", 2)[2]] = {
            "type": brain.portal_type,
            "language": brain.Language,
            "state": brain.review_state,
            "title": brain.Title,
            "group": brain.TranslationGroup,
            "creator": obj.Creator(),
            "mission": getattr(obj, "mission", None),
            "actions": [(entry.get("action"), entry.get("actor")) for entry in history if entry.get("action")],
            "pdf": obj.file.data.hex() if brain.portal_type == "File" else None,
            "text": obj.text.raw if brain.portal_type == "Document" else None,
        }
    places = {
        place.getId(): sorted(membership.effective_membership(place).members.items())
        for place in site["en"].objectValues()
        if place.getId().startswith("gen-wg-") or place.getId() == "candiweb"
    }
    groups = {
        user: sorted(api.group.get_groups(username=user), key=lambda g: g.getId())
        for user in sorted({item["creator"] for item in items.values()})
    }
    groups = {user: [g.getId() for g in found] for user, found in groups.items()}
    queue = [entry["url"].split("/missionplace/", 1)[1] for entry in review_queue(api.user.get(userid="gen-moderator"))]
    print(json.dumps({"items": items, "places": places, "groups": groups, "queue": queue}))
"""


def _env(home):
    env = {key: value for key, value in os.environ.items() if not key.startswith("MISSIONPLACE_")}
    env["MISSIONPLACE_INSTANCE"] = str(home)
    return env


def command(home, *args):
    result = subprocess.run([COMMAND, *args], env=_env(home), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def read_back(home):
    result = subprocess.run(
        [sys.executable, "-c", READ_BACK, str(home / "etc" / "zope.conf")],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory):
    """An instance with the demo site and nothing generated: each run below works on a copy."""
    home = tmp_path_factory.mktemp("generate") / "demo"
    shutil.copytree(REPO / "instance", home, ignore=shutil.ignore_patterns("var", "etc"))
    command(home, "create-site")
    return home


def copy_of(demo_instance, name):
    home = demo_instance.parent / name
    shutil.copytree(demo_instance, home)
    return home


@pytest.fixture(scope="module")
def grown(demo_instance):
    """60 items, then topped up to 120: (the two runs' output, what the site holds)."""
    home = copy_of(demo_instance, "grown")
    first = command(home, "generate", "--items", "60", "--seed", str(SEED))
    second = command(home, "generate", "--items", "120", "--seed", str(SEED))
    again = command(home, "generate", "--items", "100", "--seed", str(SEED))
    return SimpleRun(home, [first, second, again], read_back(home))


@pytest.fixture(scope="module")
def at_once(demo_instance):
    home = copy_of(demo_instance, "at-once")
    return SimpleRun(home, [command(home, "generate", "--items", "120", "--seed", str(SEED))], read_back(home))


class SimpleRun:
    def __init__(self, home, outputs, site):
        self.home, self.outputs, self.site = home, outputs, site
        self.items = site["items"]


def pdf_text(hex_data):
    reader = pypdf.PdfReader(io.BytesIO(bytes.fromhex(hex_data)), strict=True)
    return " ".join(page.extract_text() for page in reader.pages)


def test_items_in_six_linked_languages(grown):
    items = grown.items
    assert len(items) == 120
    groups = collections.defaultdict(list)
    for path, item in items.items():
        groups[item["group"]].append((path, item))
    assert len(groups) == 20
    for members in groups.values():
        assert sorted(item["language"] for _path, item in members) == sorted(generate.LANGUAGES)
        # A translation is the same item: same kind, state, mission and author, and its own language's root.
        assert len({(item["type"], item["state"], item["mission"], item["creator"]) for _p, item in members}) == 1
        assert all(path.startswith(f"{item['language']}/") for path, item in members)
    kinds = collections.Counter(item["type"] for item in items.values())
    expected = collections.Counter(generate.kind_of(SEED, k) for k in range(20))
    assert kinds == {
        "Document": 6 * expected["page"],
        "File": 6 * expected["file"],
        "Candidature": 6 * expected["candidature"],
    }
    assert all(kinds.values())


def test_pending_review_submitted_by_their_author(grown):
    items = grown.items
    states = collections.Counter(item["state"] for item in items.values())
    # 5% of 20 groups: exactly one, in its six languages.
    assert states["pending"] == 6 * math.floor(20 * generate.DEFAULT_PENDING_RATIO) == 6
    assert states["published"] + states.get("public", 0) > states.get("draft", 0) > 0
    for item in items.values():
        mission = item["mission"]
        assert re.fullmatch(rf"gen-editor-{mission}-[12]", item["creator"])
        actions = {"draft": [], "pending": [["submit", item["creator"]]]}.get(item["state"])
        if actions is None:  # published (or public): the author submitted, the moderator approved
            actions = [["submit", item["creator"]], ["approve", "gen-moderator"]]
            actions += [["make_public", "gen-moderator"]] if item["state"] == "public" else []
        assert item["actions"] == actions
    # Every item waiting for review is in the moderator's queue (with the demo's own).
    pending = {path for path, item in items.items() if item["state"] == "pending"}
    assert pending <= set(grown.site["queue"])


def test_places_members_and_accounts(grown):
    places = grown.site["places"]
    working_groups = sorted(place for place in places if place.startswith("gen-wg-"))
    # 120 items at ~500 a place: one working group.
    assert working_groups == ["gen-wg-001"]
    members = dict(places["gen-wg-001"])
    assert members["gen-moderator"] == "SecretariatModerator"
    assert sorted(members.values()).count("MissionEditor") == generate.DRAFTING_PER_PLACE
    assert sorted(members.values()).count("Delegate") == generate.READING_PER_PLACE
    candiweb = dict(places["candiweb"])
    assert candiweb["gen-moderator"] == "SecretariatModerator"
    for path, item in grown.items.items():
        place = path.split("/")[1]
        # The author's mission drafts where the item is, and the author is that mission's editor.
        assert dict(places[place])[f"mission-{item['mission']}"] == "MissionEditor"
        assert f"mission-{item['mission']}-editors" in grown.site["groups"][item["creator"]]


def test_pages_and_pdf_files_hold_text_in_their_language(grown):
    scripts = {"ar": "\u0600-\u06ff", "zh": "\u4e00-\u9fff", "ru": "\u0400-\u04ff"}
    seen = set()
    for item in grown.items.values():
        language = item["language"]
        if item["type"] == "Document":
            assert item["text"].count("<p>") >= 3
            text = item["text"]
        elif item["type"] == "File":
            text = pdf_text(item["pdf"])
            # The title is drawn on the first page (Arabic in its presentation forms, read back logically).
            words = item["title"].split(" (")[0]
            flat = re.sub(r"\s+", "" if language == "zh" else " ", text)
            assert words.replace(" ", "" if language == "zh" else " ") in flat
        else:
            continue
        if language in scripts:
            assert len(re.findall(f"[{scripts[language]}]", text)) > 100
        seen.add((item["type"], language))
    assert len(seen) == 12  # both kinds in all six languages


def test_top_up_and_the_same_seed_make_the_same_site(grown, at_once):
    first, second, again = grown.outputs
    assert "0 generated items there, generating 60 more (seed 7, 10 groups" in first
    assert "60 generated items there, generating 60 more (seed 7" in second
    assert "holds 120 generated items already, nothing to do" in again

    def without_uids(items):
        return {path: {k: v for k, v in item.items() if k != "group"} for path, item in items.items()}

    assert without_uids(grown.items) == without_uids(at_once.items)
    assert grown.site["places"] == at_once.site["places"]


def test_progress_shows_items_per_second_and_time_left(at_once):
    output = at_once.outputs[0]
    lines = re.findall(r"\[(#*)(\.*)\] (\d+)/120 items +(\d+\.\d) items/s +ETA (\d\d:\d\d:\d\d)", output)
    # Every ~200 items and at the end: here once, complete.
    assert lines[-1][0] == "#" * 30
    assert lines[-1][2] == "120"
    assert re.search(r"120 items generated in \d+ s \(\d+\.\d items/s\)", output)


def test_pdf_files_read_back_in_every_script():
    rng = random.Random(1)  # noqa: S311 (pseudo-text)
    for language in generate.LANGUAGES:
        text = generate.Text(rng, "A/AC.300/2027/CRP.1", "CRP")
        data = generate.pdf(text.title_in(language), text.paragraphs_in(language), language)
        read = pdf_text(data.hex())
        joiner = "" if language == "zh" else " "
        flat = re.sub(r"\s+", joiner, read)
        for paragraph in text.paragraphs_in(language):
            assert re.sub(r"\s+", joiner, paragraph) in flat, language
        assert pypdf.PdfReader(io.BytesIO(data)).metadata.title == text.title_in(language)


def test_pending_share_is_exact_and_spread():
    pending = [k for k in range(3334) if generate.pending_group(k, 0.05)]
    assert len(pending) == math.floor(3334 * 0.05) == 166
    assert max(b - a for a, b in itertools.pairwise(pending)) == 20
