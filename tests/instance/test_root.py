"""The Zope root of the instance sends visitors to the site (missionplace_instance.root), as a real server answers."""

import requests


def test_root_redirects_to_the_site(root_url, instance_server, monkeypatch):
    # The root redirect needs the site under the configured id.
    monkeypatch.setenv("MISSIONPLACE_SITE_ID", instance_server["portal"].getId())
    response = requests.get(f"{root_url}/", allow_redirects=False, timeout=30)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{root_url}/{instance_server['portal'].getId()}"


def test_zope_overview_stays_reachable(root_url, instance_server, monkeypatch):
    monkeypatch.setenv("MISSIONPLACE_SITE_ID", instance_server["portal"].getId())
    response = requests.get(f"{root_url}/plone-overview", allow_redirects=False, timeout=30)
    assert response.status_code == 200
    assert "plone-overview" in response.text
