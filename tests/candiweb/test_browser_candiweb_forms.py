"""In the browser: France announces a candidature through the form, the Secretariat approves it,
Kenya's delegate sees it in the election's table with the right counts, the Secretariat records the result."""

from browser import login
from browser import screenshot
import requests
import transaction


PASSWORD = "demo"  # noqa: S105 - the demo accounts' documented password
ELECTION = "en/candiweb/elections/security-council-2028-2029"


def western_europe(page):
    row = page.locator("table.seat-summary tr[data-group='western-european-others']")
    return row.locator(".seats").inner_text().strip(), row.locator(".candidates").inner_text().strip()


def test_france_announces_the_secretariat_approves_kenya_sees_it(demo_server, page, tmp_path):
    transaction.commit()
    portal = demo_server["portal"]
    site_url = f"http://{demo_server['host']}:{demo_server['port']}/{portal.getId()}"
    election_title = portal.unrestrictedTraverse(ELECTION).Title()

    # Before: one Western European seat, Austria and Portugal stand.
    login(page, site_url, "delegate-ken")
    page.goto(f"{site_url}/{ELECTION}")
    assert western_europe(page) == ("1", "2")

    # France's editor announces through the form, with the note verbale.
    note = tmp_path / "note-verbale-fra.pdf"
    note.write_bytes(b"%PDF-1.4\n% note verbale of France\n")
    login(page, site_url, "editor-fra")
    page.goto(f"{site_url}/en/candiweb/announce-a-candidature")
    page.select_option("select[name='form.widgets.election:list']", label=election_title)
    page.fill("textarea[name='form.widgets.note']", "France presents its candidature for a non-permanent seat.")
    page.set_input_files("input[name='form.widgets.note_verbale']", str(note))
    page.click("#form-buttons-submit")
    page.wait_for_url(f"{site_url}/en/candiweb/candidatures/**")
    candidature_url = page.url.rstrip("/")
    assert "submitted to the Secretariat for review" in page.locator(".portalMessage, .alert").first.inner_text()
    screenshot(page, "candiweb-france-announced")
    path = candidature_url.split(f"{site_url}/")[1]

    # Pending: Kenya's delegate does not count it yet.
    login(page, site_url, "delegate-ken")
    page.goto(f"{site_url}/{ELECTION}")
    assert western_europe(page) == ("1", "2")

    # The Secretariat approves it.
    approved = requests.post(
        f"{site_url}/++api++/{path}/@workflow/approve",
        auth=("moderator", PASSWORD),
        headers={"Accept": "application/json"},
        json={},
        timeout=60,
    )
    assert approved.status_code == 200, approved.text

    # Kenya's delegate now sees three candidates for one seat: contested.
    page.goto(f"{site_url}/{ELECTION}")
    assert western_europe(page) == ("1", "3")
    marker = page.locator("table.seat-summary tr[data-group='western-european-others'] .marker")
    assert "marker-contested" in marker.get_attribute("class")
    assert page.locator(".group-western-european-others", has_text="France").count() == 1
    screenshot(page, "candiweb-kenya-sees-france")

    # The Secretariat records the result in the candidature's edit form.
    login(page, site_url, "moderator")
    page.goto(f"{candidature_url}/edit")
    page.select_option("select[name='form.widgets.ICandidatureSchema.status:list']", "elected")
    page.click("#form-buttons-save")
    page.wait_for_url(f"{candidature_url}**")
    check = requests.get(
        f"{site_url}/++api++/{path}",
        auth=("delegate-ken", PASSWORD),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    assert check.status_code == 200
    status = check.json()["status"]
    assert (status["token"] if isinstance(status, dict) else status) == "elected"
