"""The Secretariat moderator creates a place in the browser and adds a mission to it."""

from browser import login
from browser import screenshot
import transaction


def test_moderator_creates_a_place_and_adds_a_mission(demo_server, page):
    transaction.commit()
    site_url = f"http://{demo_server['host']}:{demo_server['port']}/{demo_server['portal'].getId()}"
    login(page, site_url, "moderator")

    page.goto(f"{site_url}/en/@@create-place")
    page.select_option("#place_type", "working-group")
    page.fill("#title", "Open-ended Working Group on Security of ICTs")
    page.fill("#id", "oewg-ict")
    page.click("#create-place button[type=submit]")
    page.wait_for_url(f"{site_url}/en/oewg-ict")
    assert page.locator("h1").first.inner_text() == "Open-ended Working Group on Security of ICTs"
    for room in ("Agendas", "Documents", "Minutes"):
        assert page.locator(".place-rooms", has_text=room).count() == 1

    page.goto(f"{site_url}/en/oewg-ict/@@members")
    page.select_option("#add-mission select[name=mission]", "bra")
    page.select_option("#add-mission select[name=role]", "MissionEditor")
    page.click("#add-mission button[type=submit]")
    page.wait_for_selector("#place-members tr[data-principal='mission-bra']")
    assert "Brazil" in page.locator("#place-members").inner_text()
    assert "mission-bra" in page.locator("#membership-history").inner_text()
    screenshot(page, "moderator-adds-brazil")

    # Brazil's editor now reaches the place, in French too.
    page.context.clear_cookies()
    login(page, site_url, "editor-bra")
    page.goto(f"{site_url}/fr/oewg-ict")
    # A refusal lands on a 200 page too (the login form): where the browser ended up tells.
    assert page.url.split("?")[0].rstrip("/") == f"{site_url}/fr/oewg-ict"
