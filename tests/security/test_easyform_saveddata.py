"""The Secretariat downloads the account requests as CSV, as easyform's Saved data tab offers it.

The download gave a 500 (easyform hands the csv module a bytes delimiter);
it must give the saved rows, and stay closed to whoever may not read them.
"""

from collective.easyform.actions import SavedDataBTree
from lxml import html
from persistent.mapping import PersistentMapping
from urllib.parse import urljoin
import csv
import io
import support
import transaction


FORM = "en/request-an-account"


def save_request(portal, fullname):
    form = portal.unrestrictedTraverse(FORM)
    if getattr(form, "_inputStorage", None) is None:
        form._inputStorage = PersistentMapping()
    storage = form._inputStorage.setdefault("saved_requests", SavedDataBTree())
    key = max(storage.keys(), default=0) + 1
    storage[key] = {
        "id": key,
        "fullname": fullname,
        "email": "jeanne.martin@diplomatie.example",
        "mission": "fra",
        "function": "editor",
        "message": "Nouvelle attachée; « troisième » commission",
        "dt": "2026-11-30 09:00:00",
    }
    transaction.commit()


def data_page(site, user):
    """The Saved data tab, as the user's browser reaches it from the form (one redirect)."""
    response = site.page(f"{FORM}/saveddata", user)
    if response.status_code in (301, 302):
        response = site.page(site.path_of(response.headers["Location"]), user)
    return response


def download(site, user, page, delimiter=","):
    """Press "Download" on the Saved data tab, with the page's own form fields."""
    (form,) = [f for f in html.fromstring(page.content).forms if "csv_delimiter" in f.fields]
    fields = dict(form.form_values())
    fields.update({"csv_delimiter": delimiter, "form.buttons.download": "Download"})
    action = urljoin(page.url, form.action or page.url)
    return site.post(site.path_of(action), user, data=fields)


def path_of_form(site, page):
    (form,) = [f for f in html.fromstring(page.content).forms if "csv_delimiter" in f.fields]
    return site.path_of(urljoin(page.url, form.action or page.url))


def test_the_secretariat_downloads_the_saved_requests_as_csv(site):
    save_request(site.portal, "Jeanne Martin")
    page = data_page(site, "moderator")
    assert page.status_code == 200, page.status_code
    response = download(site, "moderator", page)
    assert response.status_code == 200, response.text[:500]
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "Jeanne Martin" in [cell for row in rows for cell in row]
    assert any("« troisième » commission" in cell for row in rows for cell in row)
    # Without a delimiter (a client that sends none): the site's default, not a 500.
    bare = site.post(path_of_form(site, page), "moderator", data={"form.buttons.download": "Download"})
    assert bare.status_code == 200, bare.text[:500]
    rows = list(csv.reader(io.StringIO(bare.content.decode("utf-8-sig"))))
    assert "Jeanne Martin" in [cell for row in rows for cell in row]
    # Another delimiter, as the tab lets one choose.
    rows = list(
        csv.reader(io.StringIO(download(site, "moderator", page, ";").content.decode("utf-8-sig")), delimiter=";")
    )
    assert "Jeanne Martin" in [cell for row in rows for cell in row]


def test_a_mission_editor_cannot_download_the_saved_requests(site):
    save_request(site.portal, "Jean Dupont")
    page = data_page(site, "moderator")
    (form,) = [f for f in html.fromstring(page.content).forms if "csv_delimiter" in f.fields]
    path = site.path_of(urljoin(page.url, form.action or page.url))
    for user in ("editor-fra", None):
        response = support.assert_refused(
            site.portal,
            FORM,
            lambda user=user: site.post(path, user, data={"csv_delimiter": ",", "form.buttons.download": "Download"}),
        )
        assert "Jean Dupont" not in response.text
