"""An election without a date keeps its candidatures in every listing and export, sorted last.

The catalog's ``sort_on`` leaves out whatever its index holds no value for:
the elections listing, the election's own page, the Member State page, their
CSV and XLSX exports and the iCal feed lost an election without a date (and
its candidatures) until they sorted by date themselves.
"""

from io import BytesIO
import csv
import icalendar
import io
import openpyxl


TITLE = "Undated election 2031"


def create_undated(site):
    """An upcoming election with no date (nominations close on a day) and Ghana's candidature to it."""
    organ = site.portal.unrestrictedTraverse("en/candiweb/organs/security-council").UID()
    election = site.api(
        "POST", "en/candiweb/elections", "moderator",
        json={"@type": "Election", "title": TITLE, "organ": organ, "year": 2031, "deadline": "2031-03-01",
              "status": "upcoming", "seats": {"african": 1}},
    )  # fmt: skip
    assert election.status_code == 201, election.text
    assert election.json()["election_date"] is None
    candidature = site.api(
        "POST", "en/candiweb/candidatures", "moderator",
        json={"@type": "Candidature", "title": "Ghana 2031", "election": election.json()["UID"], "mission": "gha"},
    )  # fmt: skip
    assert candidature.status_code == 201, candidature.text
    return site.path_of(election.json()["@id"])


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_undated_election_is_listed_last_with_its_candidatures(site):
    election = create_undated(site)
    # The elections listing (upcoming by default) and its exports: there, after every dated one.
    listing = site.page("en/candiweb/@@elections", "moderator")
    assert listing.status_code == 200
    assert TITLE in listing.text
    rows = csv_rows(site.page("en/candiweb/@@elections?format=csv", "moderator"))
    titles = [row[0] for row in rows[1:]]
    assert titles[-1] == TITLE, titles
    assert len(titles) > 1
    assert rows[-1][4] == ""  # no date
    sheet = openpyxl.load_workbook(BytesIO(site.page("en/candiweb/@@elections?format=xlsx", "moderator").content))
    assert [row[0] for row in sheet.active.iter_rows(min_row=2, values_only=True)] == titles
    # The election's own page and export list its candidature.
    page = site.page(election, "moderator")
    assert page.status_code == 200
    assert "Ghana" in page.text
    exported = csv_rows(site.page(f"{election}?format=csv", "moderator"))
    assert [row[1] for row in exported[1:]] == ["Ghana"]
    # The Member State page, after its dated candidatures.
    state = site.page("en/candiweb/@@member-state?mission=gha", "moderator")
    assert TITLE in state.text
    by_state = csv_rows(site.page("en/candiweb/@@member-state?mission=gha&format=csv", "moderator"))
    assert by_state[-1][0] == TITLE, by_state
    # The feed has the nomination deadline (an undated election has no day of its own).
    feed = icalendar.Calendar.from_ical(site.page("en/candiweb/@@elections.ics", "moderator").content)
    summaries = [str(event["summary"]) for event in feed.walk("VEVENT")]
    assert f"Nominations close: {TITLE}" in summaries
    assert TITLE not in summaries
