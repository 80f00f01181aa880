"""Bad input to Plone's and plone.restapi's own views is a 4xx in the user's language, never a 500.

What the adversarial suite found (test_adversarial_rest.py, test_adversarial_types.py):
a body that is not a JSON object, a field value of the wrong JSON type, a
rejected event URL and hostile parameters to a few upstream views each
answered 500 with the exception's text.  Every case is sent with
``Accept-Language: fr`` and, where it writes, the items it aims at are
compared before and after (support.assert_refused).
"""

from html import unescape
from missionplace import _
from zope.i18n import translate
import json
import pytest
import support


FRENCH = {"Accept-Language": "fr"}
FRENCH_PAGE = {**FRENCH, "Accept": "text/html"}
# The French CandiWeb: content negotiates the language from the place's own (en/ would answer English).
PLACE = "fr/candiweb"
ROOM = "fr/candiweb/candidatures"
NOT_AN_OBJECT = _("error_not_a_json_object", default="Send a JSON object.")


def fr(message):
    return translate(message, target_language="fr")


def api(site, method, path, user, body=None, **kwargs):
    """A REST call from the French pages; ``body`` is sent as is, as JSON."""
    headers = {**FRENCH, "Content-Type": "application/json", **kwargs.pop("headers", {})}
    return site.api(method, path, user, headers=headers, data=body, **kwargs)


def refused(site, paths, attempt, message=None):
    """``attempt()`` is a 400 without a traceback (with ``message`` in French) and changes nothing at ``paths``."""
    response = support.assert_refused(site.portal, paths, attempt, statuses=(400,))
    assert "Traceback" not in response.text
    if message is not None:
        text = response.json()["message"] if "json" in response.headers["Content-Type"] else unescape(response.text)
        assert fr(message) in text, response.text
    return response


# -- 1. A body that is not a JSON object -------------------------------------------------------

BODIES = ['"a string"', "12", "[]", "null", "not json", b'{"a": 1']
WRITES = [
    ("POST", f"{PLACE}/@members", "moderator"),
    ("POST", "@login", None),
    ("POST", "@logout", "editor-fra"),
    ("POST", "@users", "moderator"),
    ("POST", PLACE, "editor-fra"),
    ("PATCH", PLACE, "moderator"),
]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize(("method", "path", "user"), WRITES)
def test_body_not_a_json_object(site, method, path, user, body):
    refused(site, [PLACE], lambda: api(site, method, path, user, body), NOT_AN_OBJECT)


def test_json_objects_still_work(site):
    """The guard lets objects through: an empty body, a login, a page."""
    assert api(site, "POST", "@login", None, '{"login": "editor-fra", "password": "demo"}').status_code == 200
    response = api(site, "POST", PLACE, "editor-fra", '{"@type": "Document", "title": "Fine"}')
    assert response.status_code == 201, response.text
    assert (
        api(site, "POST", f"{site.path_of(response.json()['@id'])}/@workflow/submit", "editor-fra").status_code == 200
    )


def test_type_not_a_text(site):
    message = _("error_type_not_text", default="@type must be the name of a content type (a text).")
    body = '{"@type": ["Document"], "title": "x"}'
    refused(site, [PLACE], lambda: api(site, "POST", PLACE, "editor-fra", body), message)


# -- 2. A field value of the wrong JSON type ---------------------------------------------------


def wrong_shape(field):
    return _(
        "error_field_wrong_shape",
        default="${field}: this value does not have the expected form.",
        mapping={"field": field},
    )


CREATIONS = [
    ("editor-fra", PLACE, {"@type": "Document", "title": "x", "effective": 0}, "effective"),
    ("editor-fra", PLACE, {"@type": "File", "title": "x", "file": []}, "file"),
    ("editor-fra", PLACE, {"@type": "File", "title": "x", "file": 12}, "file"),
    ("moderator", ROOM, {"@type": "Organ", "title": "x", "membership_rules": True}, "membership_rules"),
    ("moderator", ROOM, {"@type": "Election", "title": "x", "result_notes": {"data": None}}, "result_notes"),
]


def field_error(response, field, message=None):
    """restapi's 400 names ``field`` among the errors, with ``message`` in French (the field's title aside)."""
    errors = response.json()["message"]
    assert f"'field': '{field}'" in errors, response.text
    if message is not None:
        assert fr(message).rsplit(":", 1)[-1].strip() in errors, response.text  # "${field} : ..." without the title


@pytest.mark.parametrize(("user", "container", "body", "field"), CREATIONS)
def test_wrong_shape_at_creation(site, user, container, body, field):
    response = refused(site, [container], lambda: api(site, "POST", container, user, json.dumps(body)))
    field_error(response, field, shape_message(body[field]))


def shape_message(value):
    # An empty list is no file at all: restapi's own "Required input is missing."
    return None if value == [] else wrong_shape("")


def existing(site, user, type_):
    """An item of ``type_`` in the demo CandiWeb, for ``user`` to edit."""
    response = site.api("GET", f"{PLACE}/@search?portal_type={type_}&sort_on=path", user)
    return site.path_of(response.json()["items"][0]["@id"])


@pytest.mark.parametrize(("user", "container", "body", "field"), CREATIONS)
def test_wrong_shape_on_edit(site, user, container, body, field):
    if body["@type"] in ("Organ", "Election"):
        path = existing(site, user, body["@type"])
    else:
        created = site.api("POST", container, user, json={"@type": "Document", "title": "To edit"})
        assert created.status_code == 201, created.text
        path = site.path_of(created.json()["@id"])
    patch = {field: body[field], "title": "changed"}
    if field == "file":  # a page has no file: a File, uploaded properly first
        upload = {"data": "aGk=", "encoding": "base64", "filename": "a.txt", "content-type": "text/plain"}
        created = site.api("POST", container, user, json={"@type": "File", "title": "To edit", "file": upload})
        assert created.status_code == 201, created.text
        path = site.path_of(created.json()["@id"])
    response = refused(site, [path], lambda: api(site, "PATCH", path, user, json.dumps(patch)))
    field_error(response, field, shape_message(body[field]))


@pytest.mark.parametrize(("field", "value"), [("effective", "not a date"), ("relatedItems", ["a"])])
def test_restapi_own_field_errors_still_answer(site, field, value):
    """What restapi reports itself (its ValueErrors) stays a 400 naming the field."""
    body = json.dumps({"@type": "Document", "title": "x", field: value})
    response = refused(site, [PLACE], lambda: api(site, "POST", PLACE, "editor-fra", body))
    assert f"'field': '{field}'" in response.json()["message"], response.text


def test_event_url_not_accepted(site):
    body = {"@type": "Event", "title": "x", "event_url": "javascript:alert(1)"}
    message = _("error_field_not_accepted", default="${field}: this value is not accepted.", mapping={"field": ""})
    response = refused(site, [PLACE], lambda: api(site, "POST", PLACE, "editor-fra", json.dumps(body)))
    field_error(response, "event_url", message)


# -- 4. Other upstream views -------------------------------------------------------------------


def test_unknown_distribution(site):
    message = _("error_no_distribution", default="There is no such distribution.")
    refused(site, [], lambda: site.api("GET", "fr/@sites/%E2%80%AEadmin", None, headers=FRENCH), message)


def test_valid_addable_types_on_content(site):
    """The constrain form's vocabulary, asked for through @vocabularies: the types one may add here."""
    response = site.api("GET", "fr/@vocabularies/plone.app.content.ValidAddableTypes", None, headers=FRENCH)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []  # an anonymous visitor adds nothing


@pytest.mark.parametrize(
    "query",
    [
        "entries:list=1",
        "entries.id:records=x",
        "entries.id:records:list=x&entries.type:records=user",
        "search_term:list=a",
    ],
)
def test_sharing_hostile_parameters(site, query):
    message = _("error_sharing_form", default="The sharing form was not filled in as this page sends it.")
    page = site.draft("editor-fra", place=PLACE, title="Shared")
    url = f"{page}/@@updateSharingInfo?{query}"
    refused(site, [page], lambda: site.page(url, "moderator", headers=FRENCH_PAGE), message)


@pytest.mark.parametrize("version_id", ["x", "-1", "1.5"])
def test_versions_history_bad_version(site, version_id):
    message = _("error_version_id", default="The version asked for is not a version number.")
    page = site.draft("editor-fra", place=PLACE, title="Versions")
    url = f"{page}/@@versions_history_form?version_id={version_id}"
    refused(site, [page], lambda: site.page(url, "editor-fra", headers=FRENCH_PAGE), message)
    assert site.page(f"{page}/@@versions_history_form?version_id=0", "editor-fra").status_code == 200


def test_macros_are_not_a_page(site):
    page = site.draft("editor-fra", place=PLACE, title="Macros")
    response = site.page(f"{page}/@@candiweb-macros", "editor-fra", headers=FRENCH)
    assert response.status_code == 404
    assert site.page("fr/candiweb/elections", "editor-fra").status_code == 200  # its macros still serve


@pytest.mark.parametrize("path", ["@users", "@users/editor-fra/x"])
def test_user_patch_without_one_id(site, path):
    message = _("error_one_user_id", default="Name exactly one user: @users/<id>.")
    refused(site, [], lambda: api(site, "PATCH", path, "moderator", '{"email": "a@b.org"}'), message)


def test_easyform_for_who_may_not_download(site):
    """collective.easyform checked its permission by id: reading a form without it was a 500."""
    created = site.api("POST", ROOM, "moderator", json={"@type": "EasyForm", "title": "Survey"})
    assert created.status_code == 201, created.text
    response = site.api("GET", site.path_of(created.json()["@id"]), "moderator", headers=FRENCH)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Survey"


@pytest.mark.parametrize("path", ["@users/editor-fra", "@users/%3Cscript%3Ealert(1)%3C/script%3E", "@users/a/b/c"])
def test_user_post_to_a_wrong_address(site, path):
    message = _("error_users_post", default="Post to @users to add a user, or to @users/<id>/reset-password.")
    refused(site, [], lambda: api(site, "POST", path, "moderator", '{"username": "x"}'), message)


def test_user_patch_of_an_unknown_account(site):
    """Who manages users hears 404; the others keep restapi's 403, whoever the account."""
    from plone.app.testing import SITE_OWNER_NAME
    from plone.app.testing import SITE_OWNER_PASSWORD
    import requests

    url = f"{site.url}/++api++/@users/nobody-at-all"
    admin = requests.patch(url, json={"email": "a@b.org"}, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), timeout=60)
    assert admin.status_code == 404, admin.text
    other = api(site, "PATCH", "@users/nobody-at-all", "editor-fra", '{"email": "a@b.org"}')
    known = api(site, "PATCH", "@users/moderator", "editor-fra", '{"email": "a@b.org"}')
    assert other.status_code == known.status_code == 403, (other.text, known.text)


# -- 5. What the adversarial suite found next ----------------------------------------------------
# collective.easyform has its own deserializer (the check above did not reach forms); the
# sharing table's refresh used ``icons`` without defining it; and text that is not UTF-8 made
# PAS's login challenge fail outside the publisher's error handling.

FORM_CREATIONS = [
    ({"formPrologue": 0}, "formPrologue"),
    ({"thanksEpilogue": ["a"]}, "thanksEpilogue"),
    ({"effective": True}, "effective"),
    ({"allow_discussion": []}, "allow_discussion"),
    ({"showFields": {"@id": "x"}}, "showFields"),
]


@pytest.mark.parametrize(("fields", "field"), FORM_CREATIONS)
def test_wrong_shape_in_a_form(site, fields, field):
    body = json.dumps({"@type": "EasyForm", "title": "Survey", **fields})
    response = refused(site, [ROOM], lambda: api(site, "POST", ROOM, "moderator", body))
    field_error(response, field)


@pytest.fixture
def survey(site):
    created = site.api("POST", ROOM, "moderator", json={"@type": "EasyForm", "title": "Survey"})
    assert created.status_code == 201, created.text
    return site.path_of(created.json()["@id"])


@pytest.mark.parametrize(
    "rows",
    [[], {"saveData": []}, {"saveData": {"x": {}}}, {"saveData": {"1": "row"}}],
)
def test_saved_rows_of_the_wrong_shape(site, survey, rows):
    body = json.dumps({"savedDataStorage": rows})
    refused(site, [survey], lambda: api(site, "PATCH", survey, "moderator", body))


def test_saved_rows_only_by_who_may_read_them(site, survey):
    """Editing a form does not let one rewrite what people sent through it."""
    from AccessControl.Permission import Permission
    import transaction

    transaction.abort()  # the server's commits, seen from here
    form = site.portal.unrestrictedTraverse(survey)
    # easyform's permission is not among those manage_permission lists: set as MissionPlace's forms do.
    Permission("collective.easyform: Download Saved Input", (), form).setRoles(("Manager",))
    transaction.commit()
    assert site.api("PATCH", survey, "moderator", json={"title": "Survey, edited"}).status_code == 204
    body = json.dumps({"savedDataStorage": {"saveData": {"1": {}}}})
    support.assert_refused(site.portal, [survey], lambda: api(site, "PATCH", survey, "moderator", body))


def test_sharing_table_with_groups(site):
    """The Sharing page's search refreshes its table: rows for groups and inherited roles included."""
    page = site.draft("editor-fra", place=PLACE, title="Shared")
    response = site.page(f"{page}/@@updateSharingInfo", "moderator", headers=FRENCH_PAGE)
    assert response.status_code == 200, response.text[:500]
    table = response.json()["body"]
    assert "user-group-sharing" in table
    assert "<svg" in table  # the icons of its group and inherited rows


@pytest.mark.parametrize("user", [None, "editor-bra", "editor-fra"])
def test_text_that_is_not_utf8(site, user):
    """An unpaired surrogate, sent as the invalid UTF-8 it becomes: 400 for anyone, on a page they may or may not see."""
    page = site.draft("editor-fra", place=PLACE, title="Not UTF-8")
    message = _("error_not_utf8", default="The request holds characters that are not valid text (UTF-8).")
    query = {"q": "\ud800 unpaired".encode("utf-8", "surrogatepass")}
    for path in (page, f"{page}/@@updateSharingInfo", PLACE):
        refused(site, [page], lambda path=path: site.page(path, user, headers=FRENCH_PAGE, params=query), message)
    form = [("title", "\udcff".encode("utf-8", "surrogatepass"))]
    refused(site, [page], lambda: site.post(f"{page}/@@edit", user, headers=FRENCH_PAGE, data=form), message)
