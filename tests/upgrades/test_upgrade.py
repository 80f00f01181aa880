"""A site created by the previous release upgrades, by its upgrade steps, to exactly what a new site is.

tests/upgrades/fixtures/missionplace-N.fs.gz are sites that the released
versions N of the profile created (README.md there says from which commits,
and how to remake them).  A copy of each is opened with the current code in a process of its own
(upgrade_site.py), upgraded through portal_setup's upgradeProfile, and
compared with a site that the current code creates in the same process.
"""

from pathlib import Path
import difflib
import gzip
import json
import os
import pytest
import re
import shutil
import subprocess
import sys


HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
# Every kept fixture (a site that a released version created) is upgraded to the current version.
FIXTURES = sorted((HERE / "fixtures").glob("missionplace-*.fs.gz"))
CODE_VERSION = re.search(r"<version>(\d+)</version>", (REPO / "profiles/default/metadata.xml").read_text())[1]
SITE_ID = "missionplace"
FIX = "Write the upgrade step that makes a site of the previous version equal a new one (src/missionplace/upgrades)."


@pytest.fixture(scope="module", params=FIXTURES, ids=lambda path: path.name.split(".")[0])
def sites(request, tmp_path_factory):
    """{"upgraded": ..., "fresh": ...}: upgrade_site.py's description of the upgraded fixture and of a new site."""
    home = tmp_path_factory.mktemp("upgrade-instance")
    for template in [*(REPO / "instance").glob("*.in"), REPO / "instance" / "site.zcml"]:
        shutil.copy(template, home / template.name)
    env = {
        **os.environ,
        "MISSIONPLACE_INSTANCE": str(home),
        "MISSIONPLACE_SITE_ID": SITE_ID,
        "MISSIONPLACE_RELSTORAGE_DSN": "",
        "MISSIONPLACE_DEMO": "1",
    }
    command = Path(sys.executable).with_name("missionplace-instance")
    subprocess.run([command, "configure"], env=env, check=True, capture_output=True)
    with gzip.open(request.param) as source, (home / "var" / "filestorage" / "Data.fs").open("wb") as target:
        shutil.copyfileobj(source, target)
    out = home / "sites.json"
    done = subprocess.run(
        [sys.executable, HERE / "upgrade_site.py", home / "etc" / "zope.conf", SITE_ID, out],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(done.stdout[-5000:])
    assert done.returncode == 0, done.stderr[-5000:]
    found = json.loads(out.read_text())
    print("seconds:", found["timings"])
    return found


def differences(upgraded, fresh, where=""):
    """Where ``upgraded`` and ``fresh`` differ, one line each: key path, upgraded value, fresh value."""
    if isinstance(upgraded, dict) and isinstance(fresh, dict):
        found = []
        for key in sorted(set(upgraded) | set(fresh)):
            if key not in fresh:
                found.append(f"{where}/{key}: only in the upgraded site: {upgraded[key]!r:.300}")
            elif key not in upgraded:
                found.append(f"{where}/{key}: only in the new site: {fresh[key]!r:.300}")
            else:
                found += differences(upgraded[key], fresh[key], f"{where}/{key}")
        return found
    if upgraded == fresh:
        return []
    if isinstance(upgraded, list) and isinstance(fresh, list) and all(isinstance(v, str) for v in upgraded + fresh):
        extra, missing = sorted(set(upgraded) - set(fresh)), sorted(set(fresh) - set(upgraded))
        if extra or missing:
            return [f"{where}: only in the upgraded site {extra}, only in the new site {missing}"]
    if isinstance(upgraded, str) and isinstance(fresh, str) and "\n" in upgraded + fresh:
        changed = [line for line in difflib.ndiff(upgraded.splitlines(), fresh.splitlines()) if line[:1] in "-+"]
        return [f"{where}: upgraded (-) and new (+) differ: {' | '.join(changed[:6])}"]
    return [f"{where}: upgraded {upgraded!r:.300} != new {fresh!r:.300}"]


def assert_same(sites, part):
    found = differences(sites["upgraded"][part], sites["fresh"][part], part)
    assert not found, f"{len(found)} difference(s) in {part}:\n" + "\n".join(found[:40]) + f"\n{FIX}"


def test_the_profile_is_at_the_new_version_with_nothing_pending(sites):
    upgraded, fresh = sites["upgraded"], sites["fresh"]
    assert upgraded["code_version"] == CODE_VERSION
    assert upgraded["version"] == fresh["version"] == [CODE_VERSION]
    assert upgraded["pending"] == [], upgraded["pending"]


def test_every_profile_is_at_the_version_a_new_site_has(sites):
    assert_same(sites, "profiles")


def test_types_are_those_of_a_new_site(sites):
    # Schema, behaviors, class, model, views, allowed types, actions.
    assert_same(sites, "types")


def test_workflows_are_those_of_a_new_site(sites):
    # States, transitions and their guards, the permission map of every state, variables.
    assert_same(sites, "workflows")


def test_chains_are_those_of_a_new_site(sites):
    assert_same(sites, "chains")


def test_placeful_policies_are_those_of_a_new_site(sites):
    assert_same(sites, "placeful")


def test_the_catalog_is_that_of_a_new_site(sites):
    # Indexes, columns, and each item's interfaces (object_provides), state and who may see it.
    assert_same(sites, "catalog")


def test_settings_components_plugins_and_actions_are_those_of_a_new_site(sites):
    for part in ("registry", "components", "plugins", "actions"):
        assert_same(sites, part)


def test_forms_name_their_actions_as_a_new_site_does(sites):
    assert_same(sites, "forms")


def test_places_are_stored_as_a_new_site_stores_them(sites):
    # Their memberships under missionplace.places.membership: missionplace._moved's alias is then for older data only.
    assert sites["upgraded"]["stored"]
    assert_same(sites, "stored")


def test_people_see_what_they_saw(sites):
    reads = sites["upgraded"]["reads"]
    assert reads["members"] == {
        "mission-bra": "MissionEditor",
        "mission-fra": "MissionEditor",
        "mission-ken": "MissionEditor",
        "moderator": "SecretariatModerator",
    }
    assert reads["election"] == "human-rights-council-2028-2030"
    # France's draft: its editors (the owning mission) and the moderators see it; nobody else sees or finds it.
    assert reads["draft_state"] == "draft"
    assert reads["draft_mission"] == "fra"
    assert reads["draft_seen_by"] == {
        "editor-fra": True,
        "focal-fra": False,
        "moderator": True,
        "editor-bra": False,
        "delegate-ken": False,
    }
    assert reads["draft_found_by"] == {
        "editor-fra": 1,
        "focal-fra": 0,
        "moderator": 1,
        "editor-bra": 0,
        "delegate-ken": 0,
    }
    # Brazil's comment follows its item: the place's members see it, visitors do not.
    assert reads["comment_seen_by"] == {"editor-bra": True, "delegate-ken": True, "moderator": True, "anonymous": False}
    assert_same(sites, "reads")
