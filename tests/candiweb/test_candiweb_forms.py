"""CandiWeb's forms over real HTTP: "Announce a candidature" and "Request an account".

The announce form's submission creates a candidature for the submitter's own
mission and submits it for review; the account request is stored and mailed
(to a real SMTP server) to the mission's focal points and the Secretariat.
Form posts carry the CSRF token of the page, as a browser's do.
"""

from datetime import date
from datetime import timedelta
from lxml import html
from missionplace import _
from missionplace import forms
from missionplace.candiweb import announce
from missionplace.candiweb.records import relation_to
from missionplace.forms.account_request import BODY
from missionplace.forms.account_request import SUBJECT
from plone import api
from plone.dexterity.utils import createContentInContainer
from zope.i18n import translate
from zope.i18nmessageid import Message
import pytest
import requests
import transaction


PASSWORD = "demo"  # noqa: S105 - the demo accounts' documented password
FORM = "candiweb/announce-a-candidature"
SECURITY_COUNCIL = "security-council-2028-2029"


# The forms as the demo profile creates them.


def test_the_announce_form_has_its_model_and_is_published(demo_portal):
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        form = demo_portal[language]["candiweb"]["announce-a-candidature"]
        assert forms.IAnnounceCandidatureForm.providedBy(form)
        assert form.fields_model == forms.model("announce-candidature", "fields")
        assert "missionplace.candiweb.announce.CreateCandidature" in form.actions_model
        assert api.content.get_state(form) == "published"


def test_the_account_request_form_lives_in_the_language_roots(demo_portal):
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        assert "request-an-account" not in demo_portal[language]["candiweb"].objectIds()
        form = demo_portal[language]["request-an-account"]
        assert forms.IAccountRequestForm.providedBy(form)
        assert api.content.get_state(form) == "published"
    assert demo_portal["fr"]["request-an-account"].Title() == "Demander un compte"


def test_an_editor_of_one_mission_announces_for_it_and_not_another(demo_portal):
    place = demo_portal["en"]["candiweb"]
    election = place["elections"][SECURITY_COUNCIL].UID()
    with api.env.adopt_user(username="editor-fra"):
        assert [m.code for m in announce.editor_missions(place)] == ["fra"]
        mission, _election, errors = announce.check(place, {"election": election})
        assert (mission.code, errors) == ("fra", {})
        _mission, _election, errors = announce.check(place, {"election": election, "mission": "bra"})
        assert translate(errors["mission"]) == "You can only announce candidatures for your own Member State."
        # Not an election of this place: the place itself, say.
        _mission, _election, errors = announce.check(place, {"election": place.UID()})
        assert translate(errors["election"]) == "There is no such election."
    with api.env.adopt_user(username="delegate-ken"):
        _mission, _election, errors = announce.check(place, {"election": election})
        assert list(errors) == ["FORM_ERROR_MARKER"]


# Over HTTP.


def form_page(site_url, user, path=f"en/{FORM}"):
    auth = (user, PASSWORD) if user else None
    return requests.get(f"{site_url}/{path}", auth=auth, timeout=60, allow_redirects=False)


def easyform(page):
    """The easyform of ``page`` (lxml), with its fields as the browser would send them."""
    (form,) = html.fromstring(page.content).xpath("//form[contains(@class, 'easyformForm')]")
    return form


def election_token(form, title):
    for option in form.xpath(".//select[@name='form.widgets.election:list']/option"):
        if option.text_content().strip().startswith(title):
            return option.get("value")
    raise AssertionError(f"no election {title!r} among {form.xpath('.//option/text()')}")


def post_form(site_url, user, page, fields, path=f"en/{FORM}", files=None, token=True):
    form = easyform(page)
    data = dict(form.form_values())
    if not token:
        data.pop("_authenticator", None)
    data.update(fields)
    data["form.buttons.submit"] = "Submit"
    auth = (user, PASSWORD) if user else None
    return requests.post(
        f"{site_url}/{path}", auth=auth, data=data, files=files or {}, timeout=120, allow_redirects=False
    )


def rest(site_url, path, user):
    return requests.get(
        f"{site_url}/++api++/{path}", auth=(user, PASSWORD), headers={"Accept": "application/json"}, timeout=60
    )


def candidatures(site_url, mission, user="moderator"):
    response = requests.get(
        f"{site_url}/++api++/en/candiweb/candidatures/@search",
        params={"portal_type": "Candidature", "mission": mission, "b_size": 100, "fullobjects": 1},
        auth=(user, PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def errors(response):
    page = html.fromstring(response.content)
    return [" ".join(e.text_content().split()) for e in page.xpath("//div[contains(@class, 'invalid-feedback')]")]


@pytest.mark.parametrize(("user", "mission"), [("editor-fra", "fra"), ("editor-bra", "bra")])
def test_the_form_creates_a_pending_candidature_for_the_editors_mission(site_url, demo_server, user, mission):
    before = {c["@id"] for c in candidatures(site_url, mission)}
    page = form_page(site_url, user)
    assert page.status_code == 200
    form = easyform(page)
    # One mission: the form does not even ask which.
    assert not form.xpath(".//*[@name='form.widgets.mission:list']")
    title = demo_server["portal"]["en"]["candiweb"]["elections"][SECURITY_COUNCIL].Title()
    response = post_form(
        site_url,
        user,
        page,
        {
            "form.widgets.election:list": election_token(form, title),
            "form.widgets.date_announced": "2026-11-02",
            "form.widgets.note": "Endorsed by the regional group.",
        },
        files={"form.widgets.note_verbale": ("note-verbale.txt", b"note verbale of the mission", "text/plain")},
    )
    assert response.status_code == 302, errors(response)
    created = [c for c in candidatures(site_url, mission) if c["@id"] not in before]
    assert len(created) == 1
    (candidature,) = created
    assert response.headers["Location"] == candidature["@id"]
    assert candidature["review_state"] == "pending"
    assert str(candidature["date_announced"]) == "2026-11-02"
    assert candidature["description"] == "Endorsed by the regional group."
    path = candidature["@id"].split(f"{site_url}/")[1]
    # The submitter's mission owns it and reads it; its note verbale is attached.
    as_editor = rest(site_url, path, user)
    assert as_editor.status_code == 200
    files = [item for item in as_editor.json()["items"] if item["@type"] == "File"]
    assert [f["title"] for f in files] == ["note-verbale.txt"]
    # Pending: the Secretariat reviews it; another mission and the delegates do not see it.
    history = rest(site_url, f"{path}/@history", "moderator").json()
    assert "submit" in [h.get("action") for h in history if h.get("type") == "workflow"]
    other = "editor-bra" if user == "editor-fra" else "editor-fra"
    assert rest(site_url, path, other).status_code in (401, 403, 404)
    assert rest(site_url, path, "delegate-ken").status_code in (401, 403, 404)
    portal = demo_server["portal"]
    portal._p_jar.sync()
    obj = portal.unrestrictedTraverse(path)
    assert obj.mission == mission
    assert user not in dict(obj.get_local_roles())


def test_editor_fra_cannot_announce_for_brazil_by_tampering(site_url, demo_server):
    brazil_before = {c["@id"] for c in candidatures(site_url, "bra")}
    france_before = {c["@id"] for c in candidatures(site_url, "fra")}
    page = form_page(site_url, "editor-fra")
    form = easyform(page)
    title = demo_server["portal"]["en"]["candiweb"]["elections"][SECURITY_COUNCIL].Title()
    response = post_form(
        site_url,
        "editor-fra",
        page,
        {
            "form.widgets.election:list": election_token(form, title),
            # Fields the form does not have, or not for France.
            "form.widgets.mission:list": "bra",
            "form.widgets.mission-empty-marker": "1",
            "mission": "bra",
        },
    )
    assert response.status_code == 302
    assert {c["@id"] for c in candidatures(site_url, "bra")} == brazil_before
    assert len({c["@id"] for c in candidatures(site_url, "fra")} - france_before) == 1


def test_an_editor_of_two_missions_chooses_one_of_their_own(site_url, demo_server):
    portal = demo_server["portal"]
    acl = api.portal.get_tool("acl_users")
    if api.user.get(userid="editor-two") is None:
        acl._doAddUser("editor-two", PASSWORD, ["Member"], [])
    api.group.add_user(groupname="mission-fra-editors", username="editor-two")
    api.group.add_user(groupname="mission-ken-editors", username="editor-two")
    # The functional layer forgets this user after the test.
    transaction.commit()
    page = form_page(site_url, "editor-two")
    form = easyform(page)
    options = form.xpath(".//select[@name='form.widgets.mission:list']/option/@value")
    assert {"fra", "ken"} <= set(options)
    assert "bra" not in options
    title = portal["en"]["candiweb"]["elections"][SECURITY_COUNCIL].Title()
    token = election_token(form, title)
    kenya_before = {c["@id"] for c in candidatures(site_url, "ken")}
    brazil_before = {c["@id"] for c in candidatures(site_url, "bra")}
    # Not saying which: asked to choose; another State: refused.
    unsaid = post_form(site_url, "editor-two", page, {"form.widgets.election:list": token})
    assert unsaid.status_code == 200
    assert "Choose the Member State that announces the candidature." in errors(unsaid)
    tampered = post_form(
        site_url, "editor-two", page, {"form.widgets.election:list": token, "form.widgets.mission:list": "bra"}
    )
    assert tampered.status_code == 200
    assert {c["@id"] for c in candidatures(site_url, "bra")} == brazil_before
    chosen = post_form(
        site_url, "editor-two", page, {"form.widgets.election:list": token, "form.widgets.mission:list": "ken"}
    )
    assert chosen.status_code == 302, errors(chosen)
    assert len({c["@id"] for c in candidatures(site_url, "ken")} - kenya_before) == 1


def test_the_secretariat_announces_on_behalf_of_a_mission_of_the_place(site_url, demo_server):
    page = form_page(site_url, "moderator")
    assert page.status_code == 200
    form = easyform(page)
    options = set(form.xpath(".//select[@name='form.widgets.mission:list']/option/@value")) - {"--NOVALUE--"}
    # The missions that draft in CandiWeb, and no other.
    assert options == {"fra", "bra", "ken"}
    title = demo_server["portal"]["en"]["candiweb"]["elections"][SECURITY_COUNCIL].Title()
    kenya_before = {c["@id"] for c in candidatures(site_url, "ken")}
    response = post_form(
        site_url,
        "moderator",
        page,
        {"form.widgets.election:list": election_token(form, title), "form.widgets.mission:list": "ken"},
    )
    assert response.status_code == 302, errors(response)
    (created,) = [c for c in candidatures(site_url, "ken") if c["@id"] not in kenya_before]
    assert created["review_state"] == "pending"
    # Kenya's editors would work on it as their own (it is Kenya's), not the delegate.
    assert rest(site_url, created["@id"].split(f"{site_url}/")[1], "delegate-ken").status_code in (401, 403, 404)


@pytest.fixture
def extra_elections(demo_server):
    """A closed-deadline election and one of a person organ (International Court of Justice)."""
    portal = demo_server["portal"]
    place = portal["fr"]["candiweb"]
    organs = place["organs"]
    created = []
    with api.env.adopt_user(username="moderator"):
        for election_id, organ_id, deadline in (
            ("closed-election", "security-council", date.today() - timedelta(days=3)),
            ("icj-election", "international-court-of-justice", date.today() + timedelta(days=60)),
        ):
            election = createContentInContainer(
                place["elections"],
                "Election",
                checkConstraints=True,
                id=election_id,
                title=f"Élection {election_id}",
                organ=relation_to(organs[organ_id]),
                year=date.today().year + 1,
                deadline=deadline,
                election_date=deadline + timedelta(days=30),
                seats={"african": 1},
                status="upcoming",
            )
            api.content.transition(obj=election, to_state="published")
            created.append(election)
    transaction.commit()
    yield created
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(objects=created)
    transaction.commit()


def in_french(message):
    return translate(message, target_language="fr")


def test_validation_messages_are_in_french_and_nothing_is_created(site_url, demo_server, extra_elections):
    portal = demo_server["portal"]
    france_before = {c["@id"] for c in candidatures(site_url, "fra")}
    path = f"fr/{FORM}"
    page = form_page(site_url, "editor-fra", path)
    assert 'lang="fr"' in page.text
    form = easyform(page)
    held = portal["fr"]["candiweb"]["elections"]["human-rights-council-2027-2029"].Title()
    closed, icj = extra_elections
    cases = [
        ({}, _("announce_error_no_election", default="Choose the election.")),
        (
            {"form.widgets.election:list": election_token(form, held)},
            _("announce_error_election_held", default="This election has been held: it takes no more candidatures."),
        ),
        (
            {"form.widgets.election:list": election_token(form, closed.Title())},
            None,  # the message carries the date; checked below
        ),
        (
            {"form.widgets.election:list": election_token(form, icj.Title())},
            _(
                "announce_error_person",
                default="Candidates for ${organ} are persons: give the candidate's name.",
                mapping={"organ": "Cour internationale de Justice"},
            ),
        ),
    ]
    for fields, expected in cases:
        response = post_form(site_url, "editor-fra", page, fields, path=path)
        assert response.status_code == 200
        found = errors(response)
        if expected is not None:
            assert in_french(expected) in found, found
        else:
            (message,) = found
            assert (
                in_french(
                    _(
                        "announce_error_deadline",
                        default="Nominations for this election closed on ${date}.",
                        mapping={"date": "X"},
                    )
                ).split("X")[0]
                in message
            )
    assert {c["@id"] for c in candidatures(site_url, "fra")} == france_before


def test_delegates_and_visitors_cannot_use_the_announce_form(site_url, demo_server):
    kenya_before = {c["@id"] for c in candidatures(site_url, "ken")}
    assert form_page(site_url, "delegate-ken").status_code in (302, 401, 403)
    assert form_page(site_url, None).status_code in (302, 401, 403)
    # Posting anyway, with a page token of their own: nothing is created.
    home = requests.get(f"{site_url}/en/candiweb", auth=("delegate-ken", PASSWORD), timeout=60)
    token = html.fromstring(home.content).xpath("//input[@name='_authenticator']/@value")
    election = demo_server["portal"]["en"]["candiweb"]["elections"][SECURITY_COUNCIL].UID()
    for path in (FORM, f"{FORM}/@@embedded"):
        response = requests.post(
            f"{site_url}/en/{path}",
            auth=("delegate-ken", PASSWORD),
            data={
                "_authenticator": token[0] if token else "",
                "form.widgets.election:list": election,
                "form.widgets.election-empty-marker": "1",
                "form.buttons.submit": "Submit",
            },
            timeout=60,
            allow_redirects=False,
        )
        assert response.status_code != 302 or "login" in response.headers.get("Location", "")
    assert {c["@id"] for c in candidatures(site_url, "ken")} == kenya_before


def test_a_post_without_the_csrf_token_is_refused(site_url, demo_server):
    france_before = {c["@id"] for c in candidatures(site_url, "fra")}
    page = form_page(site_url, "editor-fra")
    form = easyform(page)
    title = demo_server["portal"]["en"]["candiweb"]["elections"][SECURITY_COUNCIL].Title()
    response = post_form(
        site_url, "editor-fra", page, {"form.widgets.election:list": election_token(form, title)}, token=False
    )
    assert response.status_code == 403
    assert {c["@id"] for c in candidatures(site_url, "fra")} == france_before


# "Request an account": open to visitors, stored and mailed.


def saved(portal, language="en"):
    portal._p_jar.sync()
    storage = getattr(portal[language]["request-an-account"], "_inputStorage", {})
    return list(storage.get("saved_requests", {}).values())


def test_a_visitor_requests_an_account_it_is_stored_and_mailed(site_url, demo_server, smtp):
    portal = demo_server["portal"]
    before = len(saved(portal))
    page = form_page(site_url, None, "en/request-an-account")
    assert page.status_code == 200
    response = post_form(
        site_url,
        None,
        page,
        {
            "form.widgets.fullname": "Jeanne Martin",
            "form.widgets.email": "jeanne.martin@diplomatie.example",
            "form.widgets.mission:list": "fra",
            "form.widgets.function:list": "editor",
            "form.widgets.message": "Nouvelle attachée, troisième commission.",
        },
        path="en/request-an-account",
    )
    assert response.status_code == 200, errors(response)
    assert not errors(response)
    rows = saved(portal)
    assert len(rows) == before + 1
    assert (rows[-1]["fullname"], rows[-1]["email"], rows[-1]["mission"]) == (
        "Jeanne Martin",
        "jeanne.martin@diplomatie.example",
        "fra",
    )
    # France's focal point and the Secretariat moderators, each once, with the request in it.
    messages = smtp.wait_for(2)
    recipients = sorted(str(m["To"]) for m in messages)
    assert any("focal-fra@missionplace.example" in r for r in recipients), recipients
    assert any("moderator@missionplace.example" in r for r in recipients), recipients
    for message in messages:
        assert str(message["Reply-To"]) == "jeanne.martin@diplomatie.example"
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "Jeanne Martin" in body
        assert "Nouvelle attachée, troisième commission." in body
        assert f"{portal['en']['request-an-account'].absolute_url()}/saveddata" in body or "saveddata" in body
    subject = translate(
        Message(SUBJECT, mapping={"mission": "France", "fullname": "Jeanne Martin"}), target_language="en"
    )
    assert {str(m["Subject"]) for m in messages} == {subject}
    assert BODY.default.startswith("${fullname}")


def test_the_account_request_is_refused_without_an_email_and_nothing_is_stored(site_url, demo_server, smtp):
    portal = demo_server["portal"]
    before = len(saved(portal))
    page = form_page(site_url, None, "en/request-an-account")
    response = post_form(
        site_url,
        None,
        page,
        {
            "form.widgets.fullname": "Jeanne Martin",
            "form.widgets.email": "not an address",
            "form.widgets.mission:list": "fra",
            "form.widgets.function:list": "editor",
        },
        path="en/request-an-account",
    )
    assert response.status_code == 200
    assert errors(response)
    assert len(saved(portal)) == before


def test_visitors_reach_the_account_form_and_nothing_more(site_url):
    assert form_page(site_url, None, "fr/request-an-account").status_code == 200
    for path in (
        "en/request-an-account/saveddata",
        "en/request-an-account/fields",
        "en/request-an-account/actions",
        "en/request-an-account/edit",
        "en/candiweb",
        f"en/{FORM}",
    ):
        response = requests.get(f"{site_url}/{path}", timeout=60, allow_redirects=False)
        assert response.status_code in (302, 401, 403, 404), path
        if response.status_code == 302:
            assert "login" in response.headers["Location"], path


def test_the_secretariat_reads_the_saved_requests(site_url):
    assert (
        requests.get(
            f"{site_url}/en/request-an-account/saveddata", auth=("moderator", PASSWORD), timeout=60
        ).status_code
        == 200
    )
    response = requests.get(
        f"{site_url}/en/request-an-account/saveddata", auth=("editor-fra", PASSWORD), timeout=60, allow_redirects=False
    )
    assert response.status_code in (302, 401, 403)
