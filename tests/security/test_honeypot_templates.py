"""collective.honeypot's field in Plone's forms without z3c.jbot's patches (issue 11, B1).

z3c.jbot's patches looked up template overrides for every template of every
page (some sixty on a member's page) for the one template collective.honeypot
overrides; they are not loaded, and ``@@ploneform-macros`` serves that template.
"""

from lxml import html
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
import pytest
import requests
import sys


HONEYPOT = "protected_1"  # collective.honeypot's field (HONEYPOT_FIELD)


def test_no_z3c_jbot_patches(demo_portal):
    assert "z3c.jbot.patches" not in sys.modules
    assert ViewPageTemplateFile.__get__.__module__ == "Products.Five.browser.pagetemplatefile"


@pytest.mark.parametrize("path", ["contact-info", "login", "en/request-an-account"])
def test_plones_forms_carry_the_empty_hidden_honeypot(site, path):
    response = requests.get(f"{site.url}/{path}", timeout=60, allow_redirects=False)
    assert response.status_code == 200
    fields = html.fromstring(response.content).xpath(f"//form//input[@name='{HONEYPOT}']")
    # Plone's form macros put it in every form (the easyform gets a second one of its own).
    assert fields
    for field in fields:
        assert field.get("value", "") == ""
        assert "display: none" in field.getparent().get("style", "")
