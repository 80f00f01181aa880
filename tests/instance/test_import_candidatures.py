"""The instance's import-candidatures command, against a real instance database (FileStorage) with the demo site.

What it imports, and how, is CandiWeb's (tests/candiweb/test_candiweb_import.py).
"""

from missionplace.candiweb import importer
from pathlib import Path
from plone import api
from test_instance import COMMAND
from test_instance import REPO
import os
import pytest
import shutil
import subprocess


SAMPLE = Path(importer.__file__).parent / "data" / "sample-candidatures.csv"
HEADER = "mission,election,organ,year,candidate_name,regional_group,date_announced,status,description\n"


def hrc(portal, language="en"):
    return portal[language]["candiweb"]["elections"]["human-rights-council-2027-2029"].Title()


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    home = tmp_path_factory.mktemp("instance")
    shutil.copytree(REPO / "instance", home, dirs_exist_ok=True, ignore=shutil.ignore_patterns("var", "etc"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("MISSIONPLACE_")}
    env["MISSIONPLACE_INSTANCE"] = str(home)
    created = subprocess.run([COMMAND, "create-site"], env=env, capture_output=True, text=True, timeout=900)
    assert created.returncode == 0, created.stdout + created.stderr

    def command(*args):
        return subprocess.run(
            [COMMAND, "import-candidatures", *args], env=env, capture_output=True, text=True, timeout=600
        )

    return command


def test_the_command_line_imports_all_or_nothing(instance, tmp_path):
    bad = tmp_path / "bad.csv"
    title = "Human Rights Council 2027-2029 (sample data)"
    bad.write_text(HEADER + f"MAR,{title},,,,african,2024-11-05,elected,\nFRX,{title},,,,,2024-11-05,elected,\n")
    refused = instance(str(bad))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "nothing was imported" in refused.stdout
    assert "Row 3: 'FRX' is not a Member State." in refused.stdout
    # Morocco's good row was not imported either: the sample file, which has it, imports in full.
    imported = instance(str(SAMPLE))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "5 of 5 candidatures imported" in imported.stdout
    assert "5 candidatures imported and published in" in imported.stdout
    # And it was committed: the same file again is refused, row by row.
    again = instance(str(SAMPLE))
    assert again.returncode == 1
    assert again.stdout.count("this candidature is already recorded.") == 5
    # Elsewhere than a CandiWeb place: said so.
    elsewhere = instance(str(SAMPLE), "--place", "en/first-committee")
    assert elsewhere.returncode == 2
    assert "is not a CandiWeb place" in elsewhere.stdout


def test_the_command_lines_report(demo_server):
    """What the command runs once it has opened the database (it commits: a functional layer)."""
    from missionplace_instance import import_candidatures

    portal = demo_server["portal"]
    lines = []
    bad = HEADER + f"FRX,{hrc(portal)},,,,,2024-11-05,elected,\n"
    assert import_candidatures.run(portal, "en/candiweb", bad.encode(), "en", lines.append) == 1
    assert lines == ["MissionPlace: nothing was imported:", "  Row 2: 'FRX' is not a Member State."]
    lines.clear()
    assert import_candidatures.run(portal, "en/first-committee", bad.encode(), "en", lines.append) == 2
    lines.clear()
    with api.env.adopt_user(username="moderator"):
        assert import_candidatures.run(portal, "/en/candiweb", SAMPLE.read_bytes(), "en", lines.append) == 0
    assert lines == [
        "  5 of 5 candidatures imported",
        "MissionPlace: 5 candidatures imported and published in plone/en/candiweb",
    ]
