"""Cross-site request forgery protection for REST writes.

plone.restapi's write services turn plone.protect's automatic check off
(``IDisableCSRFProtection``), since JSON clients send no form token.  That left
a browser's session cookie enough to write: a page of another origin could
POST ``text/plain`` (or a form, or a credentialed ``fetch``) to ``@members``,
``@workflow/...`` or ``@mission-staff`` and the logged-in user's cookie did
the rest.

So every write (POST, PUT, PATCH, DELETE) served by a REST service must, when
the browser's cookie is what authenticates it, carry plone.protect's token
(``X-CSRF-TOKEN`` header or ``_authenticator``) or come from the site's own
origin (``Origin``, else ``Referer``).  A client that authenticates itself with
an ``Authorization`` header (Basic, or a Bearer JWT) is not a browser acting
behind its user's back and is not asked.  And whoever calls, a REST write's
body is JSON, or an upload in a form plone.restapi itself accepts: TUS chunks
(``application/offset+octet-stream``) and the CSV of ``@users``
(``multipart/form-data``); anything else is refused with 415, before a
service can read it as JSON anyway (``text/plain`` is what HTML forms and
"simple" cross-origin requests can send without asking the site first).
"""

from AccessControl import getSecurityManager
from missionplace import _
from plone.protect.authenticator import check as check_token
from plone.rest.interfaces import IAPIRequest
from plone.rest.interfaces import IService
from urllib.parse import urlsplit
from zExceptions import Forbidden
from zExceptions import HTTPUnsupportedMediaType
from zope.component import adapter
from zope.i18n import translate
from ZPublisher.interfaces import IPubAfterTraversal


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Bodies a REST write may have besides JSON: plone.restapi's uploads.
UPLOAD_TYPES = frozenset({"application/offset+octet-stream", "multipart/form-data"})

DEFAULT_PORTS = {"http": 80, "https": 443}

# The cookies that log a browser in: plone.session's and plone.restapi's JWT cookie.
SESSION_COOKIES = ("__ac", "auth_token")


class UnsupportedMediaType(HTTPUnsupportedMediaType):
    """415; Zope maps the class name to the status, plone.rest renders it as JSON."""


def origin_of(url):
    """``(scheme, host, port)`` of a URL, or None when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def same_origin(request):
    """The request comes from a page of the site's own origin (as the browser says)."""
    site = origin_of(request.get("SERVER_URL", ""))  # the public URL, virtual hosting included
    # "Origin: null" (a sandboxed or privacy-sensitive context) is no proof:
    # the Referer stands in only when a browser sends no Origin at all.
    sender = request.getHeader("Origin")
    if sender is None:
        sender = request.getHeader("Referer")
    return site is not None and bool(sender) and origin_of(sender) == site


def has_token(request):
    try:
        check_token(request)  # plone.protect's own check: X-CSRF-TOKEN or _authenticator
    except Forbidden:
        return False
    return True


def media_type(request):
    return (request.getHeader("Content-Type") or "").split(";")[0].strip().lower()


def is_json(kind):
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def has_body(request):
    try:
        return int(request.getHeader("Content-Length") or 0) > 0
    except ValueError:
        return True


def is_rest_write(request):
    if not IAPIRequest.providedBy(request) or request.get("REQUEST_METHOD", "GET").upper() not in WRITE_METHODS:
        return False
    # Only what a REST service answers: a page or view (folder contents' own
    # JSON calls among them) is plone.protect's, which checks its token.
    published = request.get("PUBLISHED")
    return IService.providedBy(getattr(published, "__self__", published))


def cookie_authenticated(request):
    """Who writes is a browser's logged-in user, not a client with credentials of its own.

    A session cookie (plone.session's, or plone.restapi's JWT cookie) is what a
    browser adds to a request by itself; an ``Authorization`` header (Zope
    moves it out of the environment into ``_auth``) or @login's JSON
    credentials are not.
    """
    if getattr(request, "_auth", None):
        return False
    if not any(request.cookies.get(name) for name in SESSION_COOKIES):
        return False
    user = getSecurityManager().getUser()
    return user is not None and user.getUserName() != "Anonymous User"


@adapter(IPubAfterTraversal)
def check_rest_write(event):
    """Refuse a REST write a browser may have been made to send (403), or whose body is not JSON (415)."""
    request = event.request
    if not is_rest_write(request):
        return
    if cookie_authenticated(request) and not (has_token(request) or same_origin(request)):
        raise Forbidden(
            translate(
                _(
                    "error_rest_csrf",
                    default="This change was refused: it did not come from this site's own pages. "
                    "Reload the page and try again; programs send their own credentials "
                    "(an Authorization header) or the X-CSRF-TOKEN header.",
                ),
                context=request,
            )
        )
    kind = media_type(request)
    if has_body(request) and not (is_json(kind) or kind in UPLOAD_TYPES):
        raise UnsupportedMediaType(
            translate(
                _(
                    "error_rest_not_json",
                    default="The content of a change must be JSON (Content-Type: application/json), not ${type}.",
                    mapping={"type": kind or "-"},
                ),
                context=request,
            )
        )
