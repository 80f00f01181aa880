"""Importing historical candidatures from CSV: every row checked first, all or nothing.

Through the code, the moderators' upload page (real HTTP, CSRF token) and the
command line against a real instance database.
"""

from lxml import html
from missionplace import candidature_import
from missionplace.candidature_import import ImportRefused
from pathlib import Path
from plone import api
from test_instance import COMMAND
from test_instance import REPO
from zope.i18n import translate
import os
import pytest
import re
import requests
import shutil
import subprocess
import transaction


SAMPLE = Path(candidature_import.__file__).parent / "data" / "sample-candidatures.csv"
PASSWORD = "demo"  # noqa: S105 - the demo accounts' documented password
HEADER = "mission,election,organ,year,candidate_name,regional_group,date_announced,status,description\n"


def hrc(portal, language="en"):
    return portal[language]["candiweb"]["elections"]["human-rights-council-2027-2029"].Title()


def count(place):
    catalog = api.portal.get_tool("portal_catalog")
    return len(catalog.unrestrictedSearchResults(portal_type="Candidature", path="/".join(place.getPhysicalPath())))


def english(errors):
    return [translate(error, target_language="en") for error in errors]


def test_the_sample_file_imports_every_row_published(portal):
    place = portal["en"]["candiweb"]
    before = count(place)
    with api.env.adopt_user(username="moderator"):
        created = candidature_import.import_candidatures(place, SAMPLE.read_bytes())
    assert len(created) == 5
    assert count(place) == before + 5
    by_mission = {c.mission: c for c in created}
    assert set(by_mission) == {"mar", "ind", "cze", "chl", "jpn"}
    morocco = by_mission["mar"]
    assert morocco.aq_parent.getId() == "candidatures"
    assert (morocco.status, morocco.regional_group, str(morocco.date_announced)) == ("elected", "african", "2024-11-05")
    assert morocco.election == portal["en"]["candiweb"]["elections"]["human-rights-council-2027-2029"].UID()
    # Found by organ and year too.
    assert by_mission["jpn"].election == portal["en"]["candiweb"]["elections"]["security-council-2028-2029"].UID()
    assert {api.content.get_state(c) for c in created} == {"published"}


def test_one_bad_row_imports_nothing_and_every_error_is_reported(portal):
    place = portal["en"]["candiweb"]
    before = count(place)
    title = hrc(portal)
    data = (
        HEADER
        + f"MAR,{title},,,,african,2024-11-05,elected,\n"
        + f"FRX,{title},,,,,2024-11-05,elected,\n"
        + "IND,No such election,,,,,2024-07-19,elected,\n"
        + f"CZE,{title},,,,african,2025-03-03,elected,\n"
        + f"CHL,{title},,,,,31/01/2025,elected,\n"
        + f"JPN,{title},,,,,2025-01-21,won,\n"
        + ",,International Court of Justice,2026,,,2025-01-21,announced,\n"
        + f"BRA,{title},,,,,2025-08-01,elected,\n"
    )
    with api.env.adopt_user(username="moderator"), pytest.raises(ImportRefused) as refused:
        candidature_import.import_candidatures(place, data.encode())
    assert english(refused.value.errors) == [
        "Row 3: 'FRX' is not a Member State.",
        "Row 4: there is no election 'No such election' in this place.",
        "Row 5: Czechia is in the regional group 'Eastern European States', not 'african'.",
        "Row 6: '31/01/2025' is not a date; write it as 2024-05-31.",
        "Row 7: 'won' is not a status; use announced, withdrawn, elected or not-elected.",
        "Row 8: '' is not a Member State.",
        "Row 8: there is no election 'International Court of Justice 2026' in this place.",
        "Row 9: this candidature is already recorded.",
    ]
    assert count(place) == before


def test_missing_columns_and_duplicates_are_refused(portal):
    place = portal["en"]["candiweb"]
    with api.env.adopt_user(username="moderator"), pytest.raises(ImportRefused) as refused:
        candidature_import.import_candidatures(place, b"mission,status\nFRA,announced\n")
    assert english(refused.value.errors) == ["The first line must name the columns; missing: date_announced, election."]
    title = hrc(portal)
    twice = HEADER + f"MAR,{title},,,,,2024-11-05,elected,\n" * 2
    with api.env.adopt_user(username="moderator"), pytest.raises(ImportRefused) as refused:
        candidature_import.import_candidatures(place, twice.encode())
    assert english(refused.value.errors) == ["Row 3: the same candidature is on an earlier row."]


def test_the_error_report_speaks_the_users_language(portal):
    place = portal["fr"]["candiweb"]
    data = HEADER + f"FRX,{hrc(portal, 'fr')},,,,,2024-11-05,elected,\n"
    with api.env.adopt_user(username="moderator"), pytest.raises(ImportRefused) as refused:
        candidature_import.import_candidatures(place, data.encode())
    (error,) = refused.value.errors
    assert error.mapping == {"row": 2, "value": "FRX"}
    # The French catalog decides the words (the lead regenerates it): the same message, in French.
    expected = candidature_import._(
        "import_error_mission",
        default="Row ${row}: '${value}' is not a Member State.",
        mapping={"row": 2, "value": "FRX"},
    )
    assert translate(error, target_language="fr") == translate(expected, target_language="fr")
    assert "FRX" in translate(error, target_language="fr")


# Over HTTP: the moderators' upload page.


@pytest.fixture
def site(demo_server):
    transaction.commit()
    layer = demo_server
    return f"http://{layer['host']}:{layer['port']}/{layer['portal'].getId()}"


def upload_page(site, user):
    return requests.get(f"{site}/en/candiweb/@@import-candidatures", auth=(user, PASSWORD), timeout=60)


def token(page):
    return html.fromstring(page.content).xpath(
        "//form[@id='import-candidatures']//input[@name='_authenticator']/@value"
    )[0]


def upload(site, user, data, authenticator):
    return requests.post(
        f"{site}/en/candiweb/@@import-candidatures",
        auth=(user, PASSWORD),
        data={"_authenticator": authenticator} if authenticator else {},
        files={"file": ("candidatures.csv", data, "text/csv")},
        timeout=120,
        allow_redirects=False,
    )


def refused(response):
    """Plone's answer to someone without the permission: 401/403, or off to log in."""
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403) or (
        response.status_code == 302 and ("login" in location or "insufficient-privileges" in location)
    )


def candidatures_over_rest(site):
    response = requests.get(
        f"{site}/++api++/en/candiweb/candidatures/@search",
        params={"portal_type": "Candidature", "b_size": 200},
        auth=("moderator", PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return {item["@id"] for item in response.json()["items"]}


def test_only_moderators_get_the_upload_page(site):
    assert upload_page(site, "moderator").status_code == 200
    for user in ("editor-fra", "delegate-ken", "focal-fra"):
        response = requests.get(
            f"{site}/en/candiweb/@@import-candidatures", auth=(user, PASSWORD), timeout=60, allow_redirects=False
        )
        assert refused(response), (user, response.status_code)
    assert refused(requests.get(f"{site}/en/candiweb/@@import-candidatures", timeout=60, allow_redirects=False))


def test_an_editor_cannot_post_an_import(site):
    before = candidatures_over_rest(site)
    page = requests.get(f"{site}/en/candiweb", auth=("editor-fra", PASSWORD), timeout=60)
    authenticator = html.fromstring(page.content).xpath("//input[@name='_authenticator']/@value")
    response = upload(site, "editor-fra", SAMPLE.read_bytes(), authenticator[0] if authenticator else "")
    assert refused(response)
    assert candidatures_over_rest(site) == before


def test_upload_without_the_csrf_token_is_refused(site):
    before = candidatures_over_rest(site)
    response = upload(site, "moderator", SAMPLE.read_bytes(), None)
    assert response.status_code == 403
    assert candidatures_over_rest(site) == before


def test_upload_with_errors_shows_the_report_and_imports_nothing(site, demo_server):
    before = candidatures_over_rest(site)
    title = hrc(demo_server["portal"])
    data = HEADER + f"MAR,{title},,,,african,2024-11-05,elected,\nFRX,{title},,,,,2024-11-05,elected,\n"
    response = upload(site, "moderator", data.encode(), token(upload_page(site, "moderator")))
    assert response.status_code == 200
    report = html.fromstring(response.content).xpath("//div[@id='import-errors']//td/text()")
    assert report == ["Row 3: 'FRX' is not a Member State."]
    assert candidatures_over_rest(site) == before


def test_upload_of_a_good_file_imports_every_row(site):
    before = candidatures_over_rest(site)
    response = upload(site, "moderator", SAMPLE.read_bytes(), token(upload_page(site, "moderator")))
    assert response.status_code == 200
    page = html.fromstring(response.content)
    assert not page.xpath("//div[@id='import-errors']")
    assert len(page.xpath("//ul[@id='import-created']/li")) == 5
    assert "5 candidatures imported and published." in response.text
    after = candidatures_over_rest(site)
    assert len(after - before) == 5
    # Published: the place's delegates read them.
    kenya = requests.get(
        f"{site}/++api++/en/candiweb/candidatures/@search",
        params={"portal_type": "Candidature", "mission": "mar"},
        auth=("delegate-ken", PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert [item["review_state"] for item in kenya.json()["items"]] == ["published"]


def test_a_french_moderator_gets_the_report_in_french(site, demo_server):
    data = HEADER + f"FRX,{hrc(demo_server['portal'], 'fr')},,,,,2024-11-05,elected,\n"
    page = requests.get(f"{site}/fr/candiweb/@@import-candidatures", auth=("moderator", PASSWORD), timeout=60)
    response = requests.post(
        f"{site}/fr/candiweb/@@import-candidatures",
        auth=("moderator", PASSWORD),
        data={"_authenticator": token(page)},
        files={"file": ("candidatures.csv", data.encode(), "text/csv")},
        timeout=120,
    )
    (error,) = html.fromstring(response.content).xpath("//div[@id='import-errors']//td/text()")
    message = candidature_import._(
        "import_error_mission",
        default="Row ${row}: '${value}' is not a Member State.",
        mapping={"row": 2, "value": "FRX"},
    )
    # The page uses the French catalog (whatever words the lead's translators chose).
    assert error == translate(message, target_language="fr")
    assert re.search(r"\bFRX\b", error)


# The command line, against a real instance database (FileStorage) with the demo site.


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
    from missionplace.scripts import import_candidatures

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


@pytest.fixture
def portal(demo):
    # The demo site in-process (pytest-plone's own ``portal`` is the bare add-on's).
    return demo["portal"]
