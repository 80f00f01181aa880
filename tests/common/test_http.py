"""Pages served by a real WSGI server (waitress), as a visitor's browser gets them."""

from lxml import html
from urllib.parse import urljoin
import pytest
import requests
import transaction


@pytest.fixture
def addon_site_url(server):
    """The address of the add-on's site (no demo content) on the test server."""
    return f"http://{server['host']}:{server['port']}/{server['portal'].getId()}"


def stylesheets(page):
    return [link.get("href") for link in html.fromstring(page.content).xpath("//link[@rel='stylesheet']")]


def test_front_page_is_themed(addon_site_url):
    page = requests.get(f"{addon_site_url}/en", timeout=30)
    assert page.status_code == 200
    sheets = stylesheets(page)
    theme = [href for href in sheets if "++theme++barceloneta/css/barceloneta" in href]
    assert theme, sheets
    for href in sheets:
        css = requests.get(urljoin(page.url, href), timeout=30)
        assert css.status_code == 200, href
        assert css.headers["Content-Type"].startswith("text/css"), href
    assert len(requests.get(urljoin(page.url, theme[0]), timeout=30).content) > 100_000


@pytest.mark.parametrize(
    ("language", "direction", "login_label"),
    [
        ("ar", "rtl", "تسجيل الدّخول"),
        ("zh", "ltr", "登录"),
        ("en", "ltr", "Log in"),
        ("fr", "ltr", "Se connecter"),
        ("ru", "ltr", "Вход"),
        ("es", "ltr", "Entrar"),
    ],
)
def test_language_folder_speaks_its_language(addon_site_url, language, direction, login_label):
    page = requests.get(f"{addon_site_url}/{language}", timeout=30)
    assert page.status_code == 200
    root = html.fromstring(page.content)
    assert root.get("lang") == language
    # Plone's main_template sets the body's; ours (common/browser/direction.py) the document's.
    assert root.find("body").get("dir") == direction
    assert root.get("dir") == direction
    assert login_label in page.text


def test_rest_api_answers_json(addon_site_url, server):
    transaction.commit()
    response = requests.get(f"{addon_site_url}/++api++/fr", timeout=30)
    assert response.status_code == 200
    data = response.json()
    assert data["@type"] == "LRF"
    assert data["language"] == {"token": "fr", "title": "Français"}


@pytest.mark.parametrize(("accept", "language"), [("fr-FR,fr;q=0.9", "fr"), ("ar", "ar"), ("zh-CN,zh;q=0.9", "zh")])
def test_visitor_gets_the_language_their_browser_asks_for(addon_site_url, accept, language):
    response = requests.get(addon_site_url, headers={"Accept-Language": accept}, allow_redirects=False, timeout=30)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{addon_site_url}/{language}"
