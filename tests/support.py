"""Talking to a test server as the real users: REST calls and pages."""

import requests


PASSWORD = "demo"  # noqa: S105 - the demo accounts' documented password


class Site:
    def __init__(self, layer):
        self.url = f"http://{layer['host']}:{layer['port']}/{layer['portal'].getId()}"
        self.portal = layer["portal"]

    def api(self, method, path, user=None, **kwargs):
        auth = (user, PASSWORD) if user else None
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.url}/++api++/{path}", auth=auth, headers=headers, timeout=60, **kwargs)

    def page(self, path, user=None, method="GET", **kwargs):
        auth = (user, PASSWORD) if user else None
        return requests.request(method, f"{self.url}/{path}", auth=auth, timeout=60, allow_redirects=False, **kwargs)

    def post(self, path, user=None, **kwargs):
        """A form post, as the browser sends it (the CSRF token is the caller's)."""
        auth = (user, PASSWORD) if user else None
        return requests.post(f"{self.url}/{path}", auth=auth, timeout=60, allow_redirects=False, **kwargs)

    def path_of(self, url):
        """The site-relative path of an item's URL (as REST answers it)."""
        return url.split(f"{self.url}/")[1]

    def draft(self, user, place="en/candiweb", title="Our draft"):
        """A new page drafted by ``user`` over REST; its path."""
        response = self.api("POST", place, user, json={"@type": "Document", "title": title})
        assert response.status_code == 201, response.text
        return self.path_of(response.json()["@id"])
