"""Importing historical candidatures from CSV: every row checked first, all or nothing.

Through the code and the moderators' upload page (real HTTP, CSRF token); the
command line (missionplace_instance) in tests/instance/test_import_candidatures.py.
"""

from AccessControl import Unauthorized
from lxml import html
from missionplace.candiweb import importer
from missionplace.candiweb.importer import ImportRefused
from missionplace.candiweb.records import related
from pathlib import Path
from plone import api
from zope.i18n import translate
import pytest
import re
import requests


SAMPLE = Path(importer.__file__).parent / "data" / "sample-candidatures.csv"
PASSWORD = "demo"  # noqa: S105 - the demo accounts' documented password
HEADER = "mission,election,organ,year,candidate_name,regional_group,date_announced,status,description\n"


def hrc(portal, language="en"):
    return portal[language]["candiweb"]["elections"]["human-rights-council-2027-2029"].Title()


def count(place):
    catalog = api.portal.get_tool("portal_catalog")
    return len(catalog.unrestrictedSearchResults(portal_type="Candidature", path="/".join(place.getPhysicalPath())))


def english(errors):
    return [translate(error, target_language="en") for error in errors]


def test_the_sample_file_imports_every_row_published(demo_portal):
    place = demo_portal["en"]["candiweb"]
    before = count(place)
    with api.env.adopt_user(username="moderator"):
        created = importer.import_candidatures(place, SAMPLE.read_bytes())
    assert len(created) == 5
    assert count(place) == before + 5
    by_mission = {c.mission: c for c in created}
    assert set(by_mission) == {"mar", "ind", "cze", "chl", "jpn"}
    morocco = by_mission["mar"]
    assert morocco.aq_parent.getId() == "candidatures"
    assert (morocco.status, morocco.regional_group, str(morocco.date_announced)) == ("elected", "african", "2024-11-05")
    assert related(morocco, "election") == demo_portal["en"]["candiweb"]["elections"]["human-rights-council-2027-2029"]
    # Found by organ and year too.
    assert (
        related(by_mission["jpn"], "election")
        == demo_portal["en"]["candiweb"]["elections"]["security-council-2028-2029"]
    )
    assert {api.content.get_state(c) for c in created} == {"published"}


def test_one_bad_row_imports_nothing_and_every_error_is_reported(demo_portal):
    place = demo_portal["en"]["candiweb"]
    before = count(place)
    title = hrc(demo_portal)
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
        importer.import_candidatures(place, data.encode())
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


def test_missing_columns_and_duplicates_are_refused(demo_portal):
    place = demo_portal["en"]["candiweb"]
    with api.env.adopt_user(username="moderator"), pytest.raises(ImportRefused) as refused:
        importer.import_candidatures(place, b"mission,status\nFRA,announced\n")
    assert english(refused.value.errors) == ["The first line must name the columns; missing: date_announced, election."]
    title = hrc(demo_portal)
    twice = HEADER + f"MAR,{title},,,,,2024-11-05,elected,\n" * 2
    with api.env.adopt_user(username="moderator"), pytest.raises(ImportRefused) as refused:
        importer.import_candidatures(place, twice.encode())
    assert english(refused.value.errors) == ["Row 3: the same candidature is on an earlier row."]


def test_the_error_report_speaks_the_users_language(demo_portal):
    place = demo_portal["fr"]["candiweb"]
    data = HEADER + f"FRX,{hrc(demo_portal, 'fr')},,,,,2024-11-05,elected,\n"
    with api.env.adopt_user(username="moderator"), pytest.raises(ImportRefused) as refused:
        importer.import_candidatures(place, data.encode())
    (error,) = refused.value.errors
    assert error.mapping == {"row": 2, "value": "FRX"}
    # The French catalog decides the words (the lead regenerates it): the same message, in French.
    expected = importer._(
        "import_error_mission",
        default="Row ${row}: '${value}' is not a Member State.",
        mapping={"row": 2, "value": "FRX"},
    )
    assert translate(error, target_language="fr") == translate(expected, target_language="fr")
    assert "FRX" in translate(error, target_language="fr")


def failing_on_second_row(monkeypatch, error):
    """Importer.create: the first row is written, the second raises ``error``."""
    create = importer.Importer.create
    rows = []

    def create_then_fail(self, row):
        rows.append(row)
        if len(rows) == 2:
            raise error
        return create(self, row)

    monkeypatch.setattr(importer.Importer, "create", create_then_fail)


def test_a_row_refused_while_being_written_imports_nothing(demo_portal, monkeypatch):
    place = demo_portal["en"]["candiweb"]
    before = count(place)
    failing_on_second_row(monkeypatch, Unauthorized("Cannot create Candidature"))
    with api.env.adopt_user(username="moderator"), pytest.raises(ImportRefused) as refused:
        importer.import_candidatures(place, SAMPLE.read_bytes())
    assert english(refused.value.errors) == [
        "Row 3 could not be saved (Cannot create Candidature); nothing was imported."
    ]
    assert count(place) == before  # the first row, written, was rolled back


def test_a_fault_while_writing_is_not_passed_off_as_a_refused_row(demo_portal, monkeypatch):
    place = demo_portal["en"]["candiweb"]
    failing_on_second_row(monkeypatch, KeyError("a bug"))
    with api.env.adopt_user(username="moderator"), pytest.raises(KeyError):
        importer.import_candidatures(place, SAMPLE.read_bytes())


# Over HTTP: the moderators' upload page.


def upload_page(site_url, user):
    return requests.get(f"{site_url}/en/candiweb/@@import-candidatures", auth=(user, PASSWORD), timeout=60)


def token(page):
    return html.fromstring(page.content).xpath(
        "//form[@id='import-candidatures']//input[@name='_authenticator']/@value"
    )[0]


def upload(site_url, user, data, authenticator):
    return requests.post(
        f"{site_url}/en/candiweb/@@import-candidatures",
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


def candidatures_over_rest(site_url):
    response = requests.get(
        f"{site_url}/++api++/en/candiweb/candidatures/@search",
        params={"portal_type": "Candidature", "b_size": 200},
        auth=("moderator", PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return {item["@id"] for item in response.json()["items"]}


def test_only_moderators_get_the_upload_page(site_url):
    assert upload_page(site_url, "moderator").status_code == 200
    for user in ("editor-fra", "delegate-ken", "focal-fra"):
        response = requests.get(
            f"{site_url}/en/candiweb/@@import-candidatures", auth=(user, PASSWORD), timeout=60, allow_redirects=False
        )
        assert refused(response), (user, response.status_code)
    assert refused(requests.get(f"{site_url}/en/candiweb/@@import-candidatures", timeout=60, allow_redirects=False))


def test_an_editor_cannot_post_an_import(site_url):
    before = candidatures_over_rest(site_url)
    page = requests.get(f"{site_url}/en/candiweb", auth=("editor-fra", PASSWORD), timeout=60)
    authenticator = html.fromstring(page.content).xpath("//input[@name='_authenticator']/@value")
    response = upload(site_url, "editor-fra", SAMPLE.read_bytes(), authenticator[0] if authenticator else "")
    assert refused(response)
    assert candidatures_over_rest(site_url) == before


def test_upload_without_the_csrf_token_is_refused(site_url):
    before = candidatures_over_rest(site_url)
    response = upload(site_url, "moderator", SAMPLE.read_bytes(), None)
    assert response.status_code == 403
    assert candidatures_over_rest(site_url) == before


def test_upload_with_errors_shows_the_report_and_imports_nothing(site_url, demo_server):
    before = candidatures_over_rest(site_url)
    title = hrc(demo_server["portal"])
    data = HEADER + f"MAR,{title},,,,african,2024-11-05,elected,\nFRX,{title},,,,,2024-11-05,elected,\n"
    response = upload(site_url, "moderator", data.encode(), token(upload_page(site_url, "moderator")))
    assert response.status_code == 200
    report = html.fromstring(response.content).xpath("//div[@id='import-errors']//td/text()")
    assert report == ["Row 3: 'FRX' is not a Member State."]
    assert candidatures_over_rest(site_url) == before


def test_upload_of_a_good_file_imports_every_row(site_url):
    before = candidatures_over_rest(site_url)
    response = upload(site_url, "moderator", SAMPLE.read_bytes(), token(upload_page(site_url, "moderator")))
    assert response.status_code == 200
    page = html.fromstring(response.content)
    assert not page.xpath("//div[@id='import-errors']")
    assert len(page.xpath("//ul[@id='import-created']/li")) == 5
    assert "5 candidatures imported and published." in response.text
    after = candidatures_over_rest(site_url)
    assert len(after - before) == 5
    # Published: the place's delegates read them.
    kenya = requests.get(
        f"{site_url}/++api++/en/candiweb/candidatures/@search",
        params={"portal_type": "Candidature", "mission": "mar"},
        auth=("delegate-ken", PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert [item["review_state"] for item in kenya.json()["items"]] == ["published"]


def test_a_french_moderator_gets_the_report_in_french(site_url, demo_server):
    data = HEADER + f"FRX,{hrc(demo_server['portal'], 'fr')},,,,,2024-11-05,elected,\n"
    page = requests.get(f"{site_url}/fr/candiweb/@@import-candidatures", auth=("moderator", PASSWORD), timeout=60)
    response = requests.post(
        f"{site_url}/fr/candiweb/@@import-candidatures",
        auth=("moderator", PASSWORD),
        data={"_authenticator": token(page)},
        files={"file": ("candidatures.csv", data.encode(), "text/csv")},
        timeout=120,
    )
    (error,) = html.fromstring(response.content).xpath("//div[@id='import-errors']//td/text()")
    message = importer._(
        "import_error_mission",
        default="Row ${row}: '${value}' is not a Member State.",
        mapping={"row": 2, "value": "FRX"},
    )
    # The page uses the French catalog (whatever words the lead's translators chose).
    assert error == translate(message, target_language="fr")
    assert re.search(r"\bFRX\b", error)
