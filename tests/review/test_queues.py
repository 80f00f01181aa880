"""The review queue and "our work": what each demo user finds in them, over HTTP.

Items are drafted and submitted by the real mission editors through the REST
API; each queue is then read as each user through the REST API and the pages,
and the approve and reject buttons of the review queue are pressed as a
browser would (form posts with the CSRF token of the page).
"""

from DateTime import DateTime
from lxml import html
from plone import api
from plone.protect.authenticator import createToken
from support import PASSWORD
from zope.component.hooks import setSite
from zope.i18n import translate
import pytest
import requests
import transaction


def create(site, user, container, title, *actions):
    """A page drafted by ``user`` in ``container``, then taken through ``actions`` [(user, action, comment)]."""
    response = site.api("POST", container, user, json={"@type": "Document", "title": title})
    assert response.status_code == 201, response.text
    path = response.json()["@id"].split(f"{site.url}/")[1]
    for actor, action, comment in actions:
        body = {"comment": comment} if comment else {}
        done = site.api("POST", f"{path}/@workflow/{action}", actor, json=body)
        assert done.status_code == 200, (title, action, done.text)
    return path


SUBMIT = ("editor-fra", "submit", "")
SUBMIT_BRA = ("editor-bra", "submit", "")
REJECTION = "Please attach the curriculum vitae."


@pytest.fixture
def work(site):
    """France and Brazil at work in the three demo places; {title: path}."""
    return {
        "France candidature": create(site, "editor-fra", "en/candiweb", "France candidature", SUBMIT),
        "Brazil statement": create(site, "editor-bra", "en/first-committee/statements", "Brazil statement", SUBMIT_BRA),
        "Note informatique": create(site, "editor-fra", "fr/informatics", "Note informatique", SUBMIT),
        "France draft": create(site, "editor-fra", "en/candiweb", "France draft"),
        "France rejected": create(
            site, "editor-fra", "en/candiweb", "France rejected", SUBMIT, ("moderator", "reject", REJECTION)
        ),
        "France published": create(
            site, "editor-fra", "en/candiweb", "France published", SUBMIT, ("moderator", "approve", "")
        ),
        "Brazil draft": create(site, "editor-bra", "en/candiweb", "Brazil draft"),
        "Brazil pending": create(site, "editor-bra", "es/candiweb", "Brazil pending", SUBMIT_BRA),
    }


PENDING = {"France candidature", "Brazil statement", "Note informatique", "Brazil pending"}


def queue(site, user, path="en/@review-queue", **params):
    response = site.api("GET", path, user, params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


MINE = {*PENDING, "France draft", "France rejected", "France published", "Brazil draft"}


def titles(items):
    """The titles of the items this module made (the demo content has pending items of its own)."""
    return [item["title"] for item in items if item["title"] in MINE]


# The review queue over REST -------------------------------------------------------------------


def test_moderator_sees_everything_pending_in_the_places_they_moderate(site, work):
    items = {item["title"]: item for item in queue(site, "moderator") if item["title"] in MINE}
    assert set(items) == PENDING
    france = items["France candidature"]
    assert france["url"] == f"{site.url}/{work['France candidature']}"
    assert france["portal_type"] == "Document"
    assert france["type_title"] == "Page"
    assert (france["mission"], france["mission_title"]) == ("fra", "France")
    assert (france["place"], france["place_title"]) == ("candiweb", "CandiWeb: elections and candidatures")
    assert france["language"] == "en"
    assert france["state"] == "pending"
    assert france["submitter"] == "editor-fra"
    assert france["submitter_name"] == "Éditrice de la Mission de la France (demo)"
    assert france["submitted"].startswith("20")
    assert {t["id"] for t in france["transitions"]} >= {"approve", "reject"}
    assert [t["comment_required"] for t in france["transitions"] if t["id"] == "reject"] == [True]
    assert items["Note informatique"]["language"] == "fr"
    assert items["Note informatique"]["place"] == "informatics"
    assert items["Brazil statement"]["place"] == "first-committee"
    # The same queue from the site root and from another language root.
    assert set(titles(queue(site, "moderator", "@review-queue"))) == PENDING
    assert set(titles(queue(site, "moderator", "zh/@review-queue"))) == PENDING


def test_queue_speaks_the_users_language(site, work):
    response = site.api("GET", "fr/@review-queue", "moderator", headers={"Accept-Language": "fr"})
    items = {item["title"]: item for item in response.json()["items"]}
    assert items["Brazil statement"]["mission_title"] == "Brésil"
    assert items["France candidature"]["place_title"] == "CandiWeb: elections and candidatures"
    assert items["Note informatique"]["place_title"].startswith("Groupe de travail spécial")
    places = dict(map(tuple, response.json()["choices"]["place"]))
    assert places["candiweb"] == "CandiWeb : élections et candidatures"
    assert places["first-committee"] == "Répertoire de la Première Commission"


def test_queue_filters_and_sorts(site, work):
    assert titles(queue(site, "moderator", place="candiweb")) == ["France candidature", "Brazil pending"]
    assert titles(queue(site, "moderator", mission="bra", sort_on="title")) == ["Brazil pending", "Brazil statement"]
    assert titles(queue(site, "moderator", language="fr")) == ["Note informatique"]
    assert titles(queue(site, "moderator", type="Event")) == []
    assert titles(queue(site, "moderator", sort_on="title")) == sorted(PENDING)
    assert titles(queue(site, "moderator", sort_on="title", sort_order="descending")) == sorted(PENDING, reverse=True)
    # Oldest submission first, by default.
    assert titles(queue(site, "moderator")) == [
        "France candidature",
        "Brazil statement",
        "Note informatique",
        "Brazil pending",
    ]
    assert set(titles(queue(site, "moderator", sort_on="mission"))[:2]) == {"Brazil statement", "Brazil pending"}
    choices = site.api("GET", "en/@review-queue", "moderator").json()["choices"]
    assert {"bra", "fra"} <= {value for value, _title in choices["mission"]}
    assert {value for value, _title in choices["place"]} == {"candiweb", "first-committee", "informatics"}


@pytest.mark.parametrize(
    "params",
    [{"sort_on": "password"}, {"sort_order": "sideways"}, {"mission": "xyz"}, {"language": "de"}, {"type": "Nope"}],
)
def test_bad_filters_are_refused_in_the_users_language(site, work, params):
    response = site.api("GET", "fr/@review-queue", "moderator", params=params, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "BadRequest"
    assert response.json()["error"]["message"]
    assert site.api("GET", "fr/@our-work", "editor-fra", params=params).status_code == 400


def test_a_moderator_of_one_place_sees_only_that_place(site, work):
    site.portal.acl_users._doAddUser("moderator-cw", PASSWORD, ["Member"], [])
    transaction.commit()
    assert queue(site, "moderator-cw") == []
    added = site.api(
        "POST", "en/candiweb/@members", "moderator", json={"principal": "moderator-cw", "role": "SecretariatModerator"}
    )
    assert added.status_code == 200, added.text
    # Both translations of CandiWeb, nothing of the First Committee or the working group.
    items = queue(site, "moderator-cw")
    assert set(titles(items)) == {"France candidature", "Brazil pending"}
    assert {item["place"] for item in items} == {"candiweb"}
    assert site.api("GET", work["Brazil statement"], "moderator-cw").status_code == 401


def test_committee_bureau_reviews_what_the_secretariat_approved(site, work):
    site.portal.acl_users._doAddUser("bureau-1c", PASSWORD, ["Member"], [])
    transaction.commit()
    added = site.api(
        "POST", "en/first-committee/@members", "moderator", json={"principal": "bureau-1c", "role": "CommitteeBureau"}
    )
    assert added.status_code == 200, added.text
    assert queue(site, "bureau-1c") == []
    approved = site.api("POST", f"{work['Brazil statement']}/@workflow/approve", "moderator")
    assert approved.status_code == 200, approved.text
    items = queue(site, "bureau-1c")
    assert [item["title"] for item in items] == ["Brazil statement"]
    assert items[0]["state"] == "pending_bureau"
    assert {t["id"] for t in items[0]["transitions"]} >= {"bureau_approve", "send_back"}
    # It has left the Secretariat's queue: the bureau decides now.
    assert "Brazil statement" not in titles(queue(site, "moderator"))
    row = queue_row(site, "bureau-1c", "Brazil statement")
    assert row.xpath(".//form[contains(@class, 'queue-approve')]//input[@name='workflow_action']/@value") == [
        "bureau_approve"
    ]
    reject = row.xpath(".//form[contains(@class, 'queue-reject')]")[0]
    assert reject.xpath(".//input[@name='workflow_action']/@value") == ["send_back"]
    assert reject.xpath(".//input[@name='comment'][@required]")


@pytest.mark.parametrize("user", ["editor-fra", "editor-bra", "delegate-ken", "focal-fra"])
def test_who_does_not_moderate_has_an_empty_queue(site, work, user):
    assert queue(site, user) == []
    page = site.page("en/@@review-queue", user)
    assert page.status_code == 200
    tree = html.fromstring(page.content)
    assert tree.xpath("//*[@id='queue-empty']")
    assert not tree.xpath("//table[@id='review-queue']")
    for title in PENDING:
        assert title not in page.text


def test_anonymous_must_log_in(site, work):
    for name in ("@review-queue", "@our-work"):
        assert site.api("GET", f"en/{name}").status_code == 401
        page = site.page(f"en/@{name}")
        assert page.status_code == 302
        assert "login" in page.headers["Location"]


# Our work over REST ---------------------------------------------------------------------------


GROUPS = ("drafts", "submitted", "rejected", "published")


def our_work(site, user, path="en/@our-work", **params):
    response = site.api("GET", path, user, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_our_work_of_france(site, work):
    found = our_work(site, "editor-fra")
    assert titles(found["drafts"]) == ["France draft"]
    assert set(titles(found["submitted"])) == {"France candidature", "Note informatique"}
    assert titles(found["rejected"]) == ["France rejected"]
    rejected = found["rejected"][0]
    assert rejected["comment"] == REJECTION
    assert rejected["last_actor"] == "moderator"
    assert rejected["last_action"] == "reject"
    assert "submit" in [t["id"] for t in rejected["transitions"]]
    assert titles(found["published"]) == ["France published"]
    # Nothing of another mission (the demo content has France's own candidatures too).
    everything = [item for group in GROUPS for item in found[group]]
    assert {item["mission"] for item in everything} == {"fra"}
    assert found["items_total"] == len(everything)
    # A new editor of France finds the same work at once, from the site root too: it is the mission's.
    site.portal.acl_users._doAddUser("editor-fra-2", PASSWORD, ["Member"], [])
    transaction.commit()
    assert our_work(site, "editor-fra-2")["items_total"] == 0
    # Made France's editor by the site (a focal point only creates accounts: tests/security/test_staff_takeover.py).
    api.group.add_user(groupname="mission-fra-editors", username="editor-fra-2")
    transaction.commit()
    colleague = our_work(site, "editor-fra-2", "@our-work")
    assert {g: titles(colleague[g]) for g in GROUPS} == {g: titles(found[g]) for g in GROUPS}


def test_our_work_filters(site, work):
    found = our_work(site, "editor-fra", place="informatics")
    assert titles(found["submitted"]) == ["Note informatique"]
    assert {item["place"] for group in GROUPS for item in found[group]} == {"informatics"}
    assert titles(our_work(site, "editor-fra", language="en")["submitted"]) == ["France candidature"]


def test_states_are_titled_after_each_items_own_policy(site, work):
    # "published" is "Published" in CandiWeb, "Published to the group" in a working group.
    create(site, "editor-fra", "fr/informatics", "Note publiée", SUBMIT, ("moderator", "approve", ""))
    found = our_work(site, "editor-fra")
    published = {item["title"]: item["state_title"] for item in found["published"]}
    assert published["France published"] == "Published"
    assert published["Note publiée"] == "Published to the group"
    submitted = {item["title"]: item["state_title"] for item in found["submitted"]}
    assert submitted["France candidature"] == submitted["Note informatique"] == "Pending review"
    french = site.api("GET", "fr/@our-work", "editor-fra", headers={"Accept-Language": "fr"}).json()
    titles = {item["title"]: item["state_title"] for item in french["published"]}
    assert titles["Note publiée"] == translate("Published to the group", domain="plone", target_language="fr")
    assert titles["Note publiée"] != "Published to the group"


def test_our_work_of_brazil_shows_nothing_of_france(site, work):
    found = our_work(site, "editor-bra")
    assert titles(found["drafts"]) == ["Brazil draft"]
    assert set(titles(found["submitted"])) == {"Brazil statement", "Brazil pending"}
    assert titles(found["rejected"]) == titles(found["published"]) == []
    assert {item["mission"] for group in GROUPS for item in found[group]} == {"bra"}


@pytest.mark.parametrize("user", ["delegate-ken", "moderator"])
def test_who_drafts_for_no_mission_has_no_work(site, work, user):
    found = our_work(site, user)
    assert found["items_total"] == 0
    page = site.page("en/@@our-work", user)
    assert page.status_code == 200
    assert html.fromstring(page.content).xpath("//*[@id='work-empty']")


def test_publications_older_than_30_days_leave_our_work(site, work):
    transaction.abort()  # see what the server committed
    setSite(site.portal)
    page = site.portal.unrestrictedTraverse(work["France published"])
    history = page.workflow_history["missionplace_mission_review"]
    page.workflow_history["missionplace_mission_review"] = tuple(
        {**entry, "time": DateTime() - 31} for entry in history
    )
    page.reindexObject()
    transaction.commit()
    assert titles(our_work(site, "editor-fra")["published"]) == []


# The pages ------------------------------------------------------------------------------------


def rows(page):
    return html.fromstring(page.content).xpath("//table[@id='review-queue']/tbody/tr")


def test_review_queue_page(site, work):
    page = site.page("en/@@review-queue", "moderator")
    assert page.status_code == 200
    found = {row.xpath("string(td[1]/a)"): row for row in rows(page)}
    assert set(found) & MINE == PENDING
    row = found["France candidature"]
    cells = [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
    assert cells[1:5] == ["Page", "France", "CandiWeb: elections and candidatures", "English"]
    assert "Éditrice de la Mission de la France (demo)" in cells[5]
    approve = row.xpath(".//form[contains(@class, 'queue-approve')]")[0]
    assert approve.get("action") == f"{site.url}/{work['France candidature']}/@@review-transition"
    fields = {i.get("name"): i.get("value") for i in approve.xpath(".//input")}
    assert fields["workflow_action"] == "approve"
    assert fields["_authenticator"]
    assert fields["came_from"] == f"{site.url}/en/@@review-queue"
    reject = row.xpath(".//form[contains(@class, 'queue-reject')]")[0]
    assert reject.xpath(".//input[@name='comment'][@required]")
    # Sort links and filters.
    tree = html.fromstring(page.content)
    assert tree.xpath("//table[@id='review-queue']//th/a[contains(@href, 'sort_on=title')]")
    assert {"", "bra", "fra"} <= set(tree.xpath("//select[@name='mission']/option/@value"))
    filtered = site.page("en/@@review-queue", "moderator", params={"sort_on": "title", "mission": "bra"})
    assert [r.xpath("string(td[1]/a)") for r in rows(filtered)] == ["Brazil pending", "Brazil statement"]
    assert [r.xpath("string(td[1]/a)") for r in rows(filtered) if r.xpath("string(td[3])") != "Brazil"] == []


def test_review_queue_page_in_arabic_is_right_to_left(site, work):
    page = site.page("ar/@@review-queue", "moderator", headers={"Accept-Language": "ar"})
    assert page.status_code == 200
    tree = html.fromstring(page.content)
    assert tree.get("dir") == "rtl"
    assert "البرازيل" in page.text  # Brazil, in Arabic
    assert {r.xpath("string(td[1]/a)") for r in rows(page)} & MINE == PENDING


def test_bad_filter_on_the_page_gives_a_message_not_an_error(site, work):
    page = site.page("en/@@review-queue", "moderator", params={"sort_on": "no-such-column"})
    assert page.status_code == 200
    assert "no-such-column" in page.text
    assert {r.xpath("string(td[1]/a)") for r in rows(page)} & MINE == PENDING


def test_our_work_page(site, work):
    page = site.page("en/@@our-work", "editor-fra")
    assert page.status_code == 200
    tree = html.fromstring(page.content)

    def listed(group):
        found = [a.text_content() for a in tree.xpath(f"//section[@id='work-{group}']//tbody/tr/td[1]/a")]
        return [title for title in found if title in MINE]

    assert listed("drafts") == ["France draft"]
    assert set(listed("submitted")) == {"France candidature", "Note informatique"}
    assert listed("rejected") == ["France rejected"]
    assert listed("published") == ["France published"]
    assert REJECTION in tree.xpath("string(//section[@id='work-rejected']//*[contains(@class, 'work-comment')])")
    assert set(tree.xpath("//section//tbody/tr/td[3]/text()")) == {"France"}
    assert "Brazil" not in page.text
    draft = tree.xpath("//section[@id='work-drafts']//tr[td[1]/a = 'France draft']")[0]
    assert draft.xpath(".//form//input[@name='workflow_action']/@value") == ["submit"]
    assert draft.xpath(".//form/@action") == [f"{site.url}/{work['France draft']}/@@review-transition"]


def test_user_menu_links(site, work):
    def links(user):
        page = site.page("en", user)
        return set(html.fromstring(page.content).xpath("//a/@href"))

    assert f"{site.url}/en/@@review-queue" in links("moderator")
    assert f"{site.url}/en/@@our-work" not in links("moderator")
    assert f"{site.url}/en/@@our-work" in links("editor-fra")
    assert f"{site.url}/en/@@review-queue" not in links("editor-fra")
    assert not {f"{site.url}/en/@@review-queue", f"{site.url}/en/@@our-work"} & links("delegate-ken")


# Approve and reject in place ------------------------------------------------------------------


def press(site, user, form):
    """Submit a form of the page as the browser would (its own fields and CSRF token)."""
    fields = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input")}
    return fields, lambda **extra: site.post(
        form.get("action").split(f"{site.url}/")[1], user, data={**fields, **extra}
    )


def queue_row(site, user, title):
    page = site.page("en/@@review-queue", user)
    return {r.xpath("string(td[1]/a)"): r for r in rows(page)}[title]


def state(site, path):
    return site.api("GET", path, "moderator").json()["review_state"]


def test_approve_in_place(site, work):
    row = queue_row(site, "moderator", "France candidature")
    _fields, submit = press(site, "moderator", row.xpath(".//form[contains(@class, 'queue-approve')]")[0])
    response = submit()
    assert response.status_code == 302
    assert response.headers["Location"] == f"{site.url}/en/@@review-queue"
    assert state(site, work["France candidature"]) == "published"
    assert "France candidature" not in titles(queue(site, "moderator"))
    assert "France candidature" in titles(our_work(site, "editor-fra")["published"])


def test_reject_in_place_needs_a_comment(site, work):
    form = queue_row(site, "moderator", "Brazil pending").xpath(".//form[contains(@class, 'queue-reject')]")[0]
    _fields, submit = press(site, "moderator", form)
    refused = submit(comment="  ")
    assert refused.status_code == 400
    assert state(site, work["Brazil pending"]) == "pending"
    response = submit(comment="Not in Spanish yet.")
    assert response.status_code == 302
    assert state(site, work["Brazil pending"]) == "draft"
    rejected = our_work(site, "editor-bra")["rejected"]
    assert [(r["title"], r["comment"], r["last_actor"]) for r in rejected] == [
        ("Brazil pending", "Not in Spanish yet.", "moderator")
    ]


def test_buttons_need_the_csrf_token(site, work):
    form = queue_row(site, "moderator", "France candidature").xpath(".//form[contains(@class, 'queue-approve')]")[0]
    fields, _submit = press(site, "moderator", form)
    response = requests.post(
        form.get("action"),
        auth=("moderator", PASSWORD),
        data={k: v for k, v in fields.items() if k != "_authenticator"},
        timeout=60,
        allow_redirects=False,
    )
    assert response.status_code == 403
    assert state(site, work["France candidature"]) == "pending"


def test_others_cannot_use_the_buttons(site, work):
    """The moderator's form, posted by someone who may not review, changes nothing."""
    form = queue_row(site, "moderator", "France candidature").xpath(".//form[contains(@class, 'queue-approve')]")[0]
    fields, _submit = press(site, "moderator", form)
    for user in ("editor-fra", "editor-bra", "delegate-ken"):
        data = {**fields, "_authenticator": token_of(site, user)}
        response = requests.post(
            form.get("action"), auth=(user, PASSWORD), data=data, timeout=60, allow_redirects=False
        )
        assert response.status_code in (302, 401, 403), user
        assert state(site, work["France candidature"]) == "pending", user


def token_of(site, user):
    """A valid CSRF token of ``user``, as their own pages would carry."""
    transaction.abort()
    setSite(site.portal)
    with api.env.adopt_user(username=user):
        return createToken()


# The Python API, for another user than the current one -----------------------------------------


def test_python_api_answers_for_the_user_given(demo):
    from missionplace.review import queues

    portal = demo["portal"]
    with api.env.adopt_user(username="editor-fra"):
        page = api.content.create(container=portal["en"]["candiweb"], type="Document", title="Python draft")
        draft = api.content.create(container=portal["en"]["candiweb"], type="Document", title="Python kept")
        api.content.transition(obj=page, transition="submit")
    moderator = api.user.get(userid="moderator")
    # The test user moderates nothing: each call answers for the user it is given.
    assert "Python draft" not in [item["title"] for item in queues.review_queue()]
    assert "Python draft" in [item["title"] for item in queues.review_queue(user=moderator, place="candiweb")]
    assert queues.review_queue(user=api.user.get(userid="editor-bra")) == []
    work = queues.our_work(user=api.user.get(userid="editor-fra"), sort_on="title")
    assert draft.UID() in [item["uid"] for item in work["drafts"]]
    assert "Python draft" in [item["title"] for item in work["submitted"]]
    brazil = queues.our_work(user=api.user.get(userid="editor-bra"))
    assert {item["mission"] for group in GROUPS for item in brazil[group]} <= {"bra"}
    assert "Python draft" not in [item["title"] for group in GROUPS for item in brazil[group]]
    with pytest.raises(queues.QueueError):
        queues.review_queue(user=moderator, sort_on="password")
