"""CandiWeb in the browser: a delegate reads an election's seats; the moderator records a result."""

from browser import login
from browser import screenshot
import transaction


def seats(page):
    rows = page.locator("table.seat-summary tbody tr")
    return {
        rows.nth(i).get_attribute("data-group"): [
            rows.nth(i).locator("td.seats").inner_text(),
            rows.nth(i).locator("td.candidates").inner_text(),
            rows.nth(i).locator(".marker").inner_text(),
        ]
        for i in range(rows.count())
    }


def test_delegate_reads_seats_and_moderator_records_a_result(demo_server, page):
    transaction.commit()
    site_url = f"http://{demo_server['host']}:{demo_server['port']}/{demo_server['portal'].getId()}"
    election = f"{site_url}/en/candiweb/elections/security-council-2028-2029"

    login(page, site_url, "delegate-ken")
    page.goto(f"{site_url}/en/candiweb/@@elections")
    page.click("text=Security Council: non-permanent members 2028-2029 (sample data)")
    page.wait_for_url(election)
    assert seats(page) == {
        "african": ["2", "2", "Clean slate"],
        "asia-pacific": ["1", "1", "Clean slate"],
        "latin-american-caribbean": ["1", "1", "Clean slate"],
        "western-european-others": ["1", "2", "Contested"],
    }
    assert page.locator(".group-african tr[data-mission='ken']").count() == 1
    screenshot(page, "candiweb-election-seats")
    # A delegate records nothing.
    page.goto(f"{site_url}/en/candiweb/candidatures/aut-security-council-2028-2029")
    assert page.locator("a.record-result").count() == 0

    page.context.clear_cookies()
    login(page, site_url, "moderator")
    page.goto(f"{site_url}/en/candiweb/candidatures/aut-security-council-2028-2029")
    page.click("a.record-result")
    page.select_option("#form-widgets-ICandidatureSchema-status", "elected")
    page.click("#form-buttons-save")
    page.wait_for_url(f"{site_url}/en/candiweb/candidatures/aut-security-council-2028-2029")
    assert page.locator(".candidature-status").inner_text() == "Elected"

    page.context.clear_cookies()
    login(page, site_url, "delegate-ken")
    page.goto(election)
    assert page.locator(".group-western-european-others tr[data-mission='aut'] td.status").inner_text() == "Elected"
    screenshot(page, "candiweb-result-recorded")
