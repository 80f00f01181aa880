"""Issue 9, item 5: uploaded files are served exactly as uploaded, and never run in the site's origin.

A moderator uploads HTML, SVG, XML, XHTML, a PDF and a PNG (REST); another
member downloads them through every path Plone serves a file by.  The bytes
are the uploaded ones (no CSRF token or ``dir`` injected by an output
transform), every download is ``nosniff``, and the active types are
sandboxed attachments.  In Chromium, the HTML file's script (which would
submit the downloader's draft) never runs in the site's origin.
"""

from browser import login
from playwright.sync_api import Error as PlaywrightError
from support import snapshot
import base64
import pytest
import re


PLACE = "en/candiweb"
READER = "editor-fra"  # a member of CandiWeb, not the uploader

# A page whose script would act as whoever opens it on the site.
ATTACK_HTML = """<!DOCTYPE html>
<html><head><title>Agenda</title></head>
<body><p>Agenda of the meeting.</p>
<script>
document.cookie = "pwned=1; path=/";
fetch("{site}/++api++/{draft}/@workflow/submit", {{method: "POST", credentials: "include",
      headers: {{"Accept": "application/json"}}}});
try {{ window.top.document.title = "pwned"; }} catch (e) {{}}
</script>
</body></html>
"""
SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/>
<script>document.cookie = "pwned=1; path=/";</script></svg>
"""
XML = b"""<?xml version="1.0"?>
<x:script xmlns:x="http://www.w3.org/1999/xhtml">document.cookie = "pwned=1; path=/";</x:script>
"""
XHTML = b"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>
<body><script>document.cookie = "pwned=1; path=/";</script><p>x</p></body></html>
"""
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
ACTIVE = {"text/html", "image/svg+xml", "application/xml", "text/xml", "application/xhtml+xml"}


def upload(site, portal_type, field, filename, content_type, data):
    """A file uploaded by the moderator over REST and published to the place's members; its path."""
    body = {
        "@type": portal_type,
        "title": filename,
        field: {
            "data": base64.b64encode(data).decode(),
            "encoding": "base64",
            "filename": filename,
            "content-type": content_type,
        },
    }
    created = site.api("POST", PLACE, "moderator", json=body)
    assert created.status_code == 201, created.text
    path = site.path_of(created.json()["@id"])
    for action in ("submit", "approve"):
        moved = site.api("POST", f"{path}/@workflow/{action}", "moderator", json={})
        assert moved.status_code == 200, moved.text
    return path


def files(site, draft):
    html = ATTACK_HTML.format(site=site.url, draft=draft).encode()
    return [
        ("File", "file", "agenda.html", "text/html", html),
        ("File", "file", "drawing.svg", "image/svg+xml", SVG),
        ("File", "file", "data.xml", "application/xml", XML),
        ("File", "file", "page.xhtml", "application/xhtml+xml", XHTML),
        ("File", "file", "report.pdf", "application/pdf", PDF),
        ("File", "file", "dot.png", "image/png", PNG),
        ("Image", "image", "picture.svg", "image/svg+xml", SVG),
        ("Image", "image", "picture.png", "image/png", PNG),
    ]


def download_urls(site, path, field, filename):
    """Every URL the file is served at, as pages and REST link to it."""
    urls = [
        f"{path}/@@download/{field}",
        f"{path}/@@download/{field}/{filename}",
        f"{path}/@@display-file/{field}",
        f"{path}/@@display-file/{field}/{filename}",
        f"++api++/{path}/@@download/{field}",
    ]
    if field == "image":
        urls += [f"{path}/@@images/{field}", f"{path}/@@images/{field}/preview"]
    # The links REST hands out (download, and the image scales).
    item = site.api("GET", path, READER).json()
    value = item[field]
    links = [value["download"]] + [scale["download"] for scale in (value.get("scales") or {}).values()]
    urls += [site.path_of(link) for link in links]
    # The scale URLs of the image view (@@images/image-<w>-<hash>.png).
    if field == "image":
        page = site.page(f"{path}/image_view_fullscreen", READER).text
        urls += [site.path_of(src) for src in re.findall(r'src="([^"]*@@images/[^"]+)"', page)]
    return list(dict.fromkeys(urls))


@pytest.fixture
def uploaded(site):
    draft = site.draft(READER, PLACE, "France's own draft")
    items = [(upload(site, *spec), *spec) for spec in files(site, draft)]
    return draft, items


def test_every_download_path_serves_the_uploaded_bytes_with_safe_headers(site, uploaded):
    _draft, items = uploaded
    checked = 0
    for path, _portal_type, field, filename, content_type, data in items:
        for url in download_urls(site, path, field, filename):
            response = site.page(url, READER)
            assert response.status_code == 200, (url, response.status_code, response.text[:300])
            if re.search(r"/@@images/image/.|/@@images/image-", url):
                # A scale is made from the image (an SVG's size rewritten, a
                # smaller PNG): not the upload's bytes, but nothing added either.
                for injected in (b"_authenticator", b"protect.js", b"data-token", b' dir="'):
                    assert injected not in response.content, (url, injected)
            else:
                assert response.content == data, f"{url} is not served as uploaded:\n{response.text[:500]}"
            headers = response.headers
            assert headers.get("X-Content-Type-Options") == "nosniff", (url, dict(headers))
            assert "X-Powered-By" not in headers, url
            served_type = headers["Content-Type"].split(";")[0]
            if served_type in ACTIVE or content_type in ACTIVE:
                assert headers.get("Content-Disposition", "").startswith("attachment"), (url, dict(headers))
                csp = headers.get("Content-Security-Policy", "")
                assert "sandbox" in csp, (url, csp)
                assert "default-src 'none'" in csp, (url, csp)
            checked += 1
    assert checked >= 50


def test_the_file_item_itself_is_a_page_not_the_file(site, uploaded):
    """A File's own URL shows Plone's page about it (with the page policy), never the file inline."""
    _draft, items = uploaded
    for path, _portal_type, _field, _filename, content_type, data in items:
        response = site.page(path, READER)
        if response.status_code == 200 and response.content == data:
            assert content_type not in ACTIVE or response.headers.get("Content-Disposition", "").startswith(
                "attachment"
            ), path
            assert response.headers.get("X-Content-Type-Options") == "nosniff", path
        else:
            assert response.status_code in (200, 302), (path, response.status_code)
            assert b"pwned" not in response.content, path


def test_the_html_download_runs_no_script_in_the_site_origin(site, uploaded, page):
    draft, items = uploaded
    html_path = next(path for path, *spec in items if spec[2] == "agenda.html")
    svg_path = next(path for path, *spec in items if spec[2] == "picture.svg")
    before = snapshot(site.portal, draft)
    login(page, site.url, READER)

    # Opened directly: a download, not a page (Chromium saves it, as uploaded).
    for url in (f"{html_path}/@@display-file/file", f"{html_path}/@@download/file", f"{svg_path}/@@images/image"):
        # Playwright reports a download as a failed navigation.
        with page.expect_download() as download, pytest.raises(PlaywrightError, match="Download is starting"):
            page.goto(f"{site.url}/{url}")
        saved = download.value.path()
        assert open(saved, "rb").read() == site.page(url, READER).content

    # Framed by a page of the site (as an <iframe> or <object> would): no script either.
    page.goto(f"{site.url}/{PLACE}")
    page.evaluate(
        """urls => { for (const url of urls) {
               const frame = document.createElement("iframe"); frame.src = url; document.body.append(frame);
           } }""",
        [f"{site.url}/{html_path}/@@display-file/file", f"{site.url}/{svg_path}/@@images/image"],
    )
    page.wait_for_timeout(2000)
    page.goto(f"{site.url}/{PLACE}")
    assert "pwned" not in page.evaluate("document.cookie")
    assert page.title() != "pwned"
    assert snapshot(site.portal, draft) == before, "the download's script submitted the reader's draft"
