"""CandiWeb records: organs, elections and candidatures, their rules, pages, exports and feed.

The rules are checked as the demo users meet them: over the REST API and the
pages of a real server, and in the site itself for what the code promises.
"""

from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from mail_server import delivering_to
from mail_server import SMTPServer
from missionplace.candiweb.browser.views import seat_marker
from missionplace.candiweb.records import RecordError
from missionplace.candiweb.records import relation_to
from plone import api
from plone.api.exc import InvalidParameterError
from plone.dexterity.utils import createContentInContainer
from zope.i18n import translate
import csv
import icalendar
import io
import openpyxl
import pytest
import re
import support
import transaction


SC = "en/candiweb/elections/security-council-2028-2029"
HRC_NEXT = "en/candiweb/elections/human-rights-council-2028-2030"
CANDIDATURES = "en/candiweb/candidatures"


class Site(support.Site):
    def uid(self, path):
        return self.portal.unrestrictedTraverse(path).UID()


@pytest.fixture
def site(demo_server):
    """The demo site over HTTP (as ../conftest.py's), with this file's helpers."""
    transaction.commit()
    return Site(demo_server)


class Tables(HTMLParser):
    """The text of each cell of each <table> of a page, by the table's class."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"class": dict(attrs).get("class", ""), "rows": []})
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1]["rows"].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def token(term):
    """The value of a vocabulary field as plone.restapi shows it ({"token", "title"})."""
    return term["token"]


def tables(html, css_class):
    parser = Tables()
    parser.feed(html)
    return [t["rows"] for t in parser.tables if css_class in t["class"].split()]


# The records and their place


def test_records_are_installed(demo_portal):
    types = api.portal.get_tool("portal_types")
    assert types["Candidature"].add_permission == "missionplace.AddCandidature"
    assert types["Election"].add_permission == "missionplace.AddElection"
    assert types["Organ"].add_permission == "missionplace.AddOrgan"
    catalog = api.portal.get_tool("portal_catalog")
    assert {"election", "organ", "year", "record_status", "regional_group", "election_date"} <= set(catalog.indexes())


def test_demo_records_in_six_languages(demo_portal):
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        place = demo_portal[language]["candiweb"]
        assert len(place["organs"].objectIds()) == 5
        assert len(place["elections"].objectIds()) == 4
        assert len(place["candidatures"].objectIds()) == 17
    election = demo_portal["fr"]["candiweb"]["elections"]["human-rights-council-2027-2029"]
    assert election.Title() == "Conseil des droits de l'homme 2027-2029 (données d'exemple)"
    assert election.Description() == "Données d'exemple"
    kenya = demo_portal["en"]["candiweb"]["candidatures"]["ken-security-council-2028-2029"]
    assert (kenya.mission, kenya.regional_group, kenya.status) == ("ken", "african", "announced")
    assert api.content.get_state(kenya) == "published"
    assert api.content.get_state(
        demo_portal["en"]["candiweb"]["candidatures"]["ken-human-rights-council-2028-2030"]
    ) == ("pending")


def test_records_only_in_candiweb_places(demo_portal):
    with api.env.adopt_roles(["Manager"]):
        room = demo_portal["en"]["first-committee"]["statements"]
        addable = {fti.getId() for fti in room.allowedContentTypes()}
        assert "Document" in addable
        assert not {"Organ", "Election", "Candidature"} & addable
        with pytest.raises(InvalidParameterError):
            api.content.create(container=room, type="Election", title="Nowhere", year=2027)
        assert "nowhere" not in room.objectIds()
        # Code that skips the constraint meets the subscriber.
        with pytest.raises(RecordError):
            createContentInContainer(room, "Organ", checkConstraints=False, title="Nowhere")
        candiweb = {fti.getId() for fti in demo_portal["en"]["candiweb"]["elections"].allowedContentTypes()}
        assert {"Organ", "Election", "Candidature"} <= candiweb


def test_seat_markers():
    assert seat_marker(3, 2) == "contested"
    assert seat_marker(2, 2) == "clean-slate"
    assert seat_marker(1, 2) == "open-seats"
    assert seat_marker(0, 0) == "clean-slate"


def test_person_organs_need_a_candidate_name(demo_portal):
    from missionplace.candiweb.candidature import ICandidatureSchema
    from zope.interface import Invalid

    with api.env.adopt_roles(["Manager"]):
        icj = demo_portal["en"]["candiweb"]["organs"]["international-court-of-justice"]
        election = api.content.create(
            container=demo_portal["en"]["candiweb"]["elections"],
            type="Election",
            title="International Court of Justice 2027",
            organ=relation_to(icj),
            year=2026,
            seats={"african": 1},
        )

        class Data:
            __context__ = None

            def __init__(self, election, candidate_name=""):
                self.election, self.candidate_name = election, candidate_name

        # The election as forms and REST give it: the chosen object.
        with pytest.raises(Invalid):
            ICandidatureSchema.validateInvariants(Data(election))
        ICandidatureSchema.validateInvariants(Data(election, "Judge Example"))
        # Not an election: the organ itself.
        with pytest.raises(Invalid):
            ICandidatureSchema.validateInvariants(Data(icj, "Judge Example"))


# Who may announce, and who records results


def test_editor_announces_only_for_own_state_over_rest(site):
    election = site.uid(HRC_NEXT)
    refused = site.api(
        "POST", CANDIDATURES, "editor-fra",
        json={"@type": "Candidature", "title": "Brazil again", "election": election, "mission": "bra"},
        headers={"Accept-Language": "en"},
    )  # fmt: skip
    assert refused.status_code == 400, refused.text
    assert "You can only announce candidatures for your own Member State." in refused.text
    transaction.begin()
    assert "brazil-again" not in site.portal.unrestrictedTraverse(CANDIDATURES).objectIds()

    created = site.api(
        "POST", CANDIDATURES, "editor-fra",
        json={"@type": "Candidature", "title": "France, once more", "election": election, "status": "elected"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert token(body["mission"]) == "fra"
    assert token(body["regional_group"]) == "western-european-others"
    # The status is the Secretariat's: what the mission sent is ignored.
    assert token(body["status"]) == "announced"
    assert body["review_state"] == "draft"
    assert body["election"]["UID"] == election


def test_delegates_and_visitors_cannot_announce(site):
    election = site.uid(HRC_NEXT)
    for user in ("delegate-ken", None):
        response = site.api(
            "POST", CANDIDATURES, user, json={"@type": "Candidature", "title": "Kenya", "election": election}
        )
        assert response.status_code in (401, 403), (user, response.status_code)


def test_the_add_form_has_no_mission_or_status_for_editors(site):
    form = site.page(f"{CANDIDATURES}/++add++Candidature", "editor-fra")
    assert form.status_code == 200
    assert 'name="form.widgets.ICandidatureSchema.election:list"' in form.text
    assert "form.widgets.IMissionOwnership.mission" not in form.text
    assert 'name="form.widgets.ICandidatureSchema.status:list"' not in form.text
    assert site.page(f"{CANDIDATURES}/++add++Candidature", "delegate-ken").status_code in (302, 401, 403)


def add_through_the_form(site, user, election, **extra):
    """Fill in and save the Candidature add form as ``user`` (with its CSRF token); the new item's path."""
    url = f"{CANDIDATURES}/++add++Candidature"
    form = site.page(url, user)
    tag = re.search(r'<input[^>]*name="_authenticator"[^>]*>', form.text).group(0)
    token_value = re.search(r'value="([^"]+)"', tag).group(1)
    data = {
        "form.widgets.IBasic.title": "Through the form",
        "form.widgets.ICandidatureSchema.election:list": election,
        "form.widgets.ICandidatureSchema.date_announced": "2026-11-20",
        "form.buttons.save": "Save",
        "_authenticator": token_value,
        **extra,
    }
    response = site.page(url, user, method="POST", data=data)
    assert response.status_code == 302, response.text
    # Saved, the form shows the new candidature (the type's immediate view).
    return response.headers["Location"].split(f"{site.url}/")[1].removesuffix("/candidature")


def test_the_add_form_records_the_editors_own_mission(site):
    # A mission field smuggled into the form is not one of its fields: ignored.
    path = add_through_the_form(
        site, "editor-fra", site.uid(HRC_NEXT), **{"form.widgets.IMissionOwnership.mission:list": "bra"}
    )
    created = site.api("GET", path, "editor-fra").json()
    assert (token(created["mission"]), token(created["regional_group"])) == ("fra", "western-european-others")
    assert site.api("GET", path, "editor-bra").status_code in (401, 403)


def test_the_secretariat_announces_on_behalf_of_a_mission(site):
    path = add_through_the_form(
        site, "moderator", site.uid(HRC_NEXT), **{"form.widgets.IMissionOwnership.mission:list": "gha"}
    )
    created = site.api("GET", path, "moderator").json()
    assert (token(created["mission"]), token(created["regional_group"])) == ("gha", "african")


def test_mission_cannot_record_a_result(site):
    draft = site.api(
        "POST", CANDIDATURES, "editor-fra", json={"@type": "Candidature", "title": "France", "election": site.uid(SC)}
    ).json()["@id"]
    path = draft.split(f"{site.url}/")[1]
    response = site.api("PATCH", path, "editor-fra", json={"status": "elected", "withdrawal_requested": True})
    assert response.status_code == 204
    after = site.api("GET", path, "editor-fra").json()
    assert token(after["status"]) == "announced"
    assert after["withdrawal_requested"] is False
    # Nor may it hand its candidature to another State.
    moved = site.api("PATCH", path, "editor-fra", json={"mission": "bra"})
    assert moved.status_code == 400
    assert "your own Member State" in moved.text
    assert token(site.api("GET", path, "editor-fra").json()["mission"]) == "fra"
    # The edit form shows no status to change.
    form = site.page(f"{path}/edit", "editor-fra")
    assert form.status_code == 200
    assert 'name="form.widgets.ICandidatureSchema.status:list"' not in form.text


def test_moderator_records_a_result(site):
    path = f"{CANDIDATURES}/bra-security-council-2028-2029"
    assert site.api("PATCH", path, "editor-bra", json={"status": "elected"}).status_code in (204, 401, 403)
    assert token(site.api("GET", path, "moderator").json()["status"]) == "announced"
    response = site.api("PATCH", path, "moderator", json={"status": "elected"})
    assert response.status_code == 204, response.text
    assert token(site.api("GET", path, "delegate-ken").json()["status"]) == "elected"
    # A data field, the same in every language: the translations follow.
    french = site.api("GET", path.replace("en/", "fr/", 1), "delegate-ken").json()
    assert token(french["status"]) == "elected"
    form = site.page(f"{path}/edit", "moderator")
    assert 'name="form.widgets.ICandidatureSchema.status:list"' in form.text
    assert site.page(f"{SC}/edit", "moderator").status_code == 200
    assert site.page(f"{SC}/edit", "editor-fra").status_code in (302, 401, 403)


def test_rest_shows_elections_sensibly(site):
    election = site.api("GET", SC, "delegate-ken").json()
    assert election["seats"] == {
        "african": 2,
        "asia-pacific": 1,
        "latin-american-caribbean": 1,
        "western-european-others": 1,
    }
    assert election["election_date"] == "2027-06-08"
    assert election["organ"]["title"] == "Security Council"
    assert token(election["status"]) == "upcoming"
    candidature = site.api("GET", f"{CANDIDATURES}/ken-security-council-2028-2029", "delegate-ken").json()
    # A relation: plone.restapi's summary of the election.
    assert candidature["election"]["@id"] == f"{site.url}/{SC}"
    assert candidature["election"]["UID"] == site.uid(SC)
    assert candidature["election"]["title"] == "Security Council: non-permanent members 2028-2029 (sample data)"
    assert candidature["election"]["@type"] == "Election"
    # The place is public, but a published candidature is for its members.
    assert site.api("GET", f"{CANDIDATURES}/ken-security-council-2028-2029").status_code == 401
    assert site.api("GET", f"{CANDIDATURES}/phl-security-council-2028-2029").status_code == 200


def test_pages_link_only_the_records_the_user_may_see(site):
    public = f"{CANDIDATURES}/phl-security-council-2028-2029"
    assert "elections/security-council-2028-2029" in site.page(public).text
    response = site.api("POST", f"{SC}/@workflow/retract", "moderator", json={"comment": "Dates to be confirmed"})
    assert response.status_code == 200
    page = site.page(public)
    assert page.status_code == 200
    assert "elections/security-council-2028-2029" not in page.text
    assert "elections/security-council-2028-2029" in site.page(public, "moderator").text


def test_moderator_creates_records_over_rest(site):
    organ = site.api(
        "POST", "en/candiweb/organs", "moderator",
        json={"@type": "Organ", "title": "Committee on the Rights of the Child", "candidate_kind": "person"},
    )  # fmt: skip
    assert organ.status_code == 201, organ.text
    election = site.api(
        "POST", "en/candiweb/elections", "moderator",
        json={"@type": "Election", "title": "CRC 2027", "organ": organ.json()["UID"], "year": 2027,
              "election_date": "2027-06-20", "deadline": "2027-04-01", "seats": {"african": 2}},
    )  # fmt: skip
    assert election.status_code == 201, election.text
    stateless = site.api(
        "POST", CANDIDATURES, "moderator",
        json={"@type": "Candidature", "title": "Nobody", "election": election.json()["UID"], "candidate_name": "X"},
    )  # fmt: skip
    assert stateless.status_code == 400
    assert "Choose the Member State" in stateless.text
    form = site.page(f"{CANDIDATURES}/++add++Candidature", "moderator")
    assert 'name="form.widgets.IMissionOwnership.mission:list"' in form.text
    nameless = site.api(
        "POST", CANDIDATURES, "moderator",
        json={"@type": "Candidature", "title": "Ghana", "election": election.json()["UID"], "mission": "gha"},
        headers={"Accept-Language": "en"},
    )  # fmt: skip
    assert nameless.status_code == 400
    assert "give the candidate's name" in nameless.text
    named = site.api(
        "POST", CANDIDATURES, "moderator",
        json={"@type": "Candidature", "title": "Ghana", "election": election.json()["UID"], "mission": "gha",
              "candidate_name": "Dr. Example"},
    )  # fmt: skip
    assert named.status_code == 201, named.text
    assert token(named.json()["regional_group"]) == "african"
    for user in ("editor-fra", "delegate-ken"):
        refused = site.api("POST", "en/candiweb/elections", user, json={"@type": "Election", "title": "X", "year": 1})
        assert refused.status_code in (401, 403), user
    # Not outside CandiWeb, even for the moderator.
    outside = site.api(
        "POST", "en/first-committee/statements", "moderator", json={"@type": "Organ", "title": "Elsewhere"}
    )
    assert outside.status_code in (400, 401, 403)


@pytest.fixture
def inbox(site, tmp_path, monkeypatch):
    """A real SMTP server (aiosmtpd) that the site's MailHost delivers to."""
    server = SMTPServer()
    server.start()
    with delivering_to(server, site.portal, tmp_path / "mailqueue", monkeypatch):
        yield server
    server.stop()


def test_request_withdrawal(site, inbox):
    path = f"{CANDIDATURES}/fra-human-rights-council-2028-2030"
    assert site.api("POST", f"{path}/@request-withdrawal", "editor-bra").status_code == 403
    assert site.api("POST", f"{path}/@request-withdrawal", "delegate-ken").status_code in (401, 403)
    # The page's button needs the CSRF token.
    assert site.page(f"{path}/@@request-withdrawal", "editor-fra", method="POST").status_code == 403
    page = site.page(path, "editor-fra")
    assert "@@request-withdrawal" in page.text
    assert "@@request-withdrawal" not in site.page(path, "editor-bra").text
    response = site.api("POST", f"{path}/@request-withdrawal", "editor-fra")
    assert response.status_code == 200, response.text
    after = site.api("GET", path, "moderator").json()
    assert after["withdrawal_requested"] is True
    assert token(after["status"]) == "announced"
    # Once.
    assert site.api("POST", f"{path}/@request-withdrawal", "editor-fra").status_code == 403
    (message,) = inbox.wait_for_subject("Withdrawal requested: France -- Human Rights Council 2028-2030")
    assert "moderator@missionplace.example" in str(message["To"])
    assert f"{site.url}/{path}" in message.get_body().get_content()


# Pages, exports and the feed


def seat_rows(html):
    (summary,) = tables(html, "seat-summary")
    return summary[1:]


def test_election_page_counts_seats(site):
    page = site.page(SC, "delegate-ken")
    assert page.status_code == 200
    assert seat_rows(page.text) == [
        ["African States", "2", "2", "Clean slate"],
        ["Asia-Pacific States", "1", "1", "Clean slate"],
        ["Latin American and Caribbean States", "1", "1", "Clean slate"],
        ["Western European and other States", "1", "2", "Contested"],
    ]
    # Kenya's pending candidature is not counted, nor shown to others.
    page = site.page(HRC_NEXT, "moderator")
    rows = seat_rows(page.text)
    assert rows[0] == ["African States", "5", "0", "Open seats"]
    assert 'data-mission="ken"' in page.text
    assert 'data-mission="ken"' not in site.page(HRC_NEXT, "editor-fra").text
    # The French translation of the election: the same counts, dates as French writes them.
    french = site.page(SC.replace("en/", "fr/", 1), "delegate-ken")
    assert [row[1:3] for row in seat_rows(french.text)] == [["2", "2"], ["1", "1"], ["1", "1"], ["1", "2"]]
    assert "8 juin 2027" in french.text


def test_election_results_shown_when_held(site):
    page = site.page("en/candiweb/elections/human-rights-council-2027-2029", "delegate-ken")
    assert "Results" in page.text
    statuses = [row[3] for rows in tables(page.text, "candiweb-listing") for row in rows[1:]]
    assert sorted(statuses) == ["Elected"] * 4 + ["Not elected"]


def test_elections_listing_and_exports(site):
    listing = site.page("en/candiweb/@@elections", "delegate-ken")
    assert listing.status_code == 200
    (table,) = tables(listing.text, "candiweb-listing")
    header, rows = table[0], table[1:]
    # Upcoming by default, soonest first.
    assert [row[0] for row in rows] == [
        "Security Council: non-permanent members 2028-2029 (sample data)",
        "Economic and Social Council 2028-2030 (sample data)",
        "Human Rights Council 2028-2030 (sample data)",
    ]
    sc = rows[0]
    assert sc[7:9] == ["5", "6"]

    exported = site.page("en/candiweb/@@elections?status=upcoming&format=csv", "delegate-ken")
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert 'filename="elections.csv"' in exported.headers["Content-Disposition"]
    assert exported.content.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert parsed[0] == header
    assert [row[0] for row in parsed[1:]] == [row[0] for row in rows]
    assert parsed[1][4:6] == ["2027-06-08", "2027-05-07"]
    assert [row[7:9] for row in parsed[1:]] == [row[7:9] for row in rows]

    workbook = site.page("en/candiweb/@@elections?format=xlsx", "delegate-ken")
    assert 'filename="elections.xlsx"' in workbook.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(workbook.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == header
    assert [row[0] for row in values[1:]] == [row[0] for row in rows]
    assert values[1][4].date() == date(2027, 6, 8)

    # Filters reach the exports: the held election, Western European seats only.
    held = site.page("en/candiweb/@@elections?status=held&regional_group=western-european-others", "delegate-ken")
    (table,) = tables(held.text, "candiweb-listing")
    assert [row[0] for row in table[1:]] == ["Human Rights Council 2027-2029 (sample data)"]
    assert table[1][7:9] == ["2", "3"]
    exported = site.page(
        "en/candiweb/@@elections?status=held&regional_group=western-european-others&format=csv", "delegate-ken"
    )
    parsed = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row[0] for row in parsed[1:]] == ["Human Rights Council 2027-2029 (sample data)"]
    organ = site.uid("en/candiweb/organs/economic-and-social-council")
    only = site.page(f"en/candiweb/@@elections?status=&organ={organ}", "delegate-ken")
    assert [row[0] for row in tables(only.text, "candiweb-listing")[0][1:]] == [
        "Economic and Social Council 2028-2030 (sample data)"
    ]


def test_a_filter_that_cannot_be_applied_is_said_and_the_listing_shown_without_it(site):
    upcoming = tables(site.page("en/candiweb/@@elections", "delegate-ken").text, "candiweb-listing")
    for query, said in (
        ("year=soon", "Not a year: soon."),
        ("year=%C2%B2", "Not a year: ²."),  # a digit, but no number a year is written with
        ("status=over", "No such status: over."),
        ("organ=nope", "No such organ: nope."),
        ("regional_group=nordic", "No such regional group: nordic."),
        ("year=2027&year=2028", "Give year only once."),
    ):
        page = site.page(f"en/candiweb/@@elections?{query}", "delegate-ken")
        assert page.status_code == 200, query
        assert said in page.text, query
        assert tables(page.text, "candiweb-listing") == upcoming, query
    french = site.page("fr/candiweb/@@elections?year=soon", "delegate-ken")
    assert "Année non valide : soon." in french.text
    # A download carries no message (it would wait for the next page) and lists as without the filter.
    exported = site.page("en/candiweb/@@elections?year=soon&format=csv", "delegate-ken")
    assert exported.status_code == 200
    assert "statusmessages" not in exported.cookies
    parsed = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row[0] for row in parsed[1:]] == [row[0] for row in upcoming[0][1:]]
    # On a Member State's and an election's page alike.
    page = site.page("en/candiweb/@@member-state?mission=xyz", "delegate-ken")
    assert "No such mission: xyz." in page.text
    page = site.page(f"{SC}?status=elected-twice", "delegate-ken")
    assert "No such status: elected-twice." in page.text
    assert len(seat_rows(page.text)) == 4


def test_review_column_titles_states_after_the_candidatures_policy(site):
    rows = tables(site.page("en/candiweb/@@member-state?mission=ken", "moderator").text, "candiweb-listing")[0][1:]
    assert sorted({row[-1] for row in rows}) == ["Pending review", "Published"]
    french = tables(site.page("fr/candiweb/@@member-state?mission=ken", "moderator").text, "candiweb-listing")[0][1:]
    expected = {translate(title, domain="plone", target_language="fr") for title in ("Pending review", "Published")}
    assert {row[-1] for row in french} == expected
    assert "Published" not in expected


def test_candiweb_places_link_their_listings(site):
    page = site.page("en/candiweb", "delegate-ken")
    assert "candiweb-links" in page.text
    assert f"{site.url}/en/candiweb/@@elections.ics" in page.text
    assert "candiweb-links" not in site.page("en/first-committee", "delegate-ken").text


def test_arabic_export_keeps_arabic(site):
    exported = site.page("ar/candiweb/@@elections?format=csv", "delegate-ken")
    text = exported.content.decode("utf-8-sig")
    assert "مجلس الأمن" in text
    page = site.page("ar/candiweb/@@elections", "delegate-ken")
    assert 'dir="rtl"' in page.text


def test_election_export_equals_its_table(site):
    page = site.page(SC, "delegate-ken")
    shown = [row for rows in tables(page.text, "candiweb-listing") for row in rows[1:]]
    exported = site.page(f"{SC}?format=csv", "delegate-ken")
    parsed = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert parsed[0][:2] == ["Regional group", "Member State"]
    assert [row[1] for row in parsed[1:]] == [row[0] for row in shown]
    assert sorted(row[1] for row in parsed[1:]) == ["Austria", "Brazil", "Ghana", "Kenya", "Philippines", "Portugal"]
    workbook = site.page(f"{SC}?format=xlsx", "delegate-ken")
    sheet = openpyxl.load_workbook(BytesIO(workbook.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [row[1] for row in parsed[1:]]


def test_member_state_page(site):
    own = site.page("en/candiweb/@@member-state?mission=ken", "delegate-ken")
    (table,) = tables(own.text, "candiweb-listing")
    assert sorted(row[0] for row in table[1:]) == [
        "Economic and Social Council 2028-2030 (sample data)",
        "Human Rights Council 2027-2029 (sample data)",
        "Security Council: non-permanent members 2028-2029 (sample data)",
    ]
    moderator = site.page("en/candiweb/@@member-state?mission=ken", "moderator")
    assert len(tables(moderator.text, "candiweb-listing")[0]) == 5  # the pending one too
    elected = site.page("en/candiweb/@@member-state?mission=ken&status=elected&format=csv", "delegate-ken")
    parsed = list(csv.reader(io.StringIO(elected.content.decode("utf-8-sig"))))
    assert [row[0] for row in parsed[1:]] == ["Human Rights Council 2027-2029 (sample data)"]
    assert 'filename="candidatures-ken.csv"' in elected.headers["Content-Disposition"]


def test_ical_feed(site):
    response = site.page("en/candiweb/@@elections.ics", "delegate-ken")
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert len(events) == 8
    assert events["Security Council: non-permanent members 2028-2029 (sample data)"] == date(2027, 6, 8)
    assert events["Nominations close: Security Council: non-permanent members 2028-2029 (sample data)"] == date(
        2027, 5, 7
    )
    # Visitors see the public elections; a draft election only its editors.
    with api.env.adopt_roles(["Manager"]):
        api.content.create(
            container=site.portal["en"]["candiweb"]["elections"], type="Election", id="secret", title="Secret",
            organ=relation_to(site.portal.unrestrictedTraverse("en/candiweb/organs/security-council")), year=2027,
            election_date=date(2027, 1, 1),
        )  # fmt: skip
    transaction.commit()
    anonymous = icalendar.Calendar.from_ical(site.page("en/candiweb/@@elections.ics").content)
    assert len(anonymous.walk("VEVENT")) == 8
    moderator = icalendar.Calendar.from_ical(site.page("en/candiweb/@@elections.ics", "moderator").content)
    assert "Secret" in {str(e["summary"]) for e in moderator.walk("VEVENT")}
