"""Response headers: a Content-Security-Policy for pages, no sniffing, no framing, safe cookies.

Set on every response, errors and "not found" pages included (both
publication events), the test servers' too, since nothing here depends on
the WSGI pipeline:

- pages get ``PAGE_CSP``: scripts only from the site itself (Plone's bundles
  and mockup's chunks; no inline script, the injected markup's way in; but
  ``eval``, as mockup's folder contents compiles its underscore templates
  with ``new Function``), styles from the site
  and inline (Barceloneta, mockup and TinyMCE set style attributes), images
  also as ``data:``/``blob:`` URIs (TinyMCE, folder contents), nothing
  framed or framing from elsewhere, forms posted only to the site;
  downloads get their own, sandboxing policy (``downloads.py``);
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``,
  ``X-Frame-Options: SAMEORIGIN`` (for browsers without ``frame-ancestors``);
- no ``X-Powered-By``: Zope writes it in ``HTTPResponse.listHeaders`` and
  has no setting for it, so each response's list leaves it out;
- cookies: the session cookies (plone.session's ``__ac``, plone.restapi's
  ``auth_token``) are ``HttpOnly`` and ``SameSite=Lax``, and every cookie is
  ``Secure`` when the site is served over HTTPS: the request's own scheme
  (virtual hosting included), ``X-Forwarded-Proto: https`` from a proxy, or
  ``MISSIONPLACE_SECURE_COOKIES=1`` in the instance's environment.
"""

from missionplace.security import downloads
from missionplace.security.csrf import SESSION_COOKIES
from zope.component import adapter
from ZPublisher.interfaces import IPubBeforeAbort
from ZPublisher.interfaces import IPubBeforeCommit
from ZPublisher.interfaces import IPubStart
import os


PAGE_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)
REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_COOKIES_VARIABLE = "MISSIONPLACE_SECURE_COOKIES"


def served_over_https(request):
    if os.environ.get(SECURE_COOKIES_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on"):
        return True
    if request.get("SERVER_URL", "").startswith("https://"):
        return True
    return (request.getHeader("X-Forwarded-Proto") or "").split(",")[0].strip().lower() == "https"


@adapter(IPubStart)
def without_powered_by(event):
    response = event.request.response
    listing = type(response).listHeaders
    response.listHeaders = lambda: [(key, value) for key, value in listing(response) if key != "X-Powered-By"]


def _protect_cookies(request, response):
    secure = served_over_https(request)
    for name, attributes in list(response.cookies.items()):
        flags = {}
        if secure and not attributes.get("Secure"):
            flags["secure"] = True
        if name in SESSION_COOKIES:
            if not attributes.get("HttpOnly"):
                flags["http_only"] = True
            if not attributes.get("SameSite"):
                flags["same_site"] = "Lax"
        if flags:
            response.setCookie(name, attributes["value"], **flags)


def _protect(request):
    response = request.response
    response.setHeader("X-Content-Type-Options", "nosniff")
    response.setHeader("Referrer-Policy", REFERRER_POLICY)
    if not response.getHeader("X-Frame-Options"):
        response.setHeader("X-Frame-Options", "SAMEORIGIN")
    if not downloads.is_download(request) and not response.getHeader("Content-Security-Policy"):
        response.setHeader("Content-Security-Policy", PAGE_CSP)
    _protect_cookies(request, response)


@adapter(IPubBeforeCommit)
def on_success(event):
    _protect(event.request)


@adapter(IPubBeforeAbort)
def on_failure(event):
    _protect(event.request)
