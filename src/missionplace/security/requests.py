"""A REST write whose body is not a JSON object is a 400, before anything reads it.

plone.restapi's services read the body with ``json_body``, which raises
``DeserializationError`` ("Malformed body", a 500) for JSON that is not an
object (``"a string"``, ``12``, ``[]``, ``null``) or not JSON at all; and
collective.honeypot's subscriber calls ``json_body`` on every JSON POST, at
the site's before-traverse, so even services that never read a body (and
``@login``) answered 500.  No plone.restapi service takes anything but an
object (``@ordering`` and the ``@users`` batch are keys of one), so the body
is checked when traversal reaches the site, before honeypot: subscribers of
an event run from the least specific to the most specific, and this one is
registered for any object, honeypot's for the site root.  (``IPubStart``
comes earlier, but the body is not read yet then.)

``@type`` names a content type wherever restapi reads it: a value that is
not a text (``["Document"]``) failed deep inside the add service.

Form fields and query parameters that are not valid UTF-8 reach the code as
text with unpaired surrogates (ZPublisher decodes them with
``surrogateescape``): anything that encodes them again fails, among others
PAS's login challenge quoting ``came_from``, whose ``UnicodeEncodeError``
escapes the publisher's error handling (a bare 500 from the server).  No
browser sends such text, so the request is refused at once with a 400.

Some catalog indexes exist only for MissionPlace's own queries and say who
holds which role where (``INTERNAL_INDEXES``).  Every search Plone publishes
takes any index of the catalog as a filter: restapi's ``@search`` and
``@querystring-search``, the Classic ``@@search`` and ``@@ajax-search``,
plone.app.querystring's ``@@querybuilder_html_results`` and
``@@querybuildernumberofresults`` (a querystring row's index is not checked
against the registry), ``@@getVocabulary``'s Catalog vocabulary.  A member
filtering on a guessed ``Role:principal`` learned from the count who holds
it where.  A request naming such an index, as a parameter (any Zope
marshalling spelling: ``place_grants:list``, ``place_grants.query:record``),
as a key of a JSON object it sends (a body, or a parameter holding JSON such
as ``@@getVocabulary``'s ``query``), or as a value (``sort_on``, a
querystring row's ``i``) is refused with a 400, in one place for every path.
"""

from html import escape
from missionplace import _
from plone.rest.interfaces import IAPIRequest
from zExceptions import BadRequest
from zope.component import adapter
from zope.i18n import translate
from zope.interface import Interface
from zope.traversing.interfaces import IBeforeTraverseEvent
import json


CHECKED = "missionplace.json_body_checked"  # once a request, at the first site traversed
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Catalog indexes that only MissionPlace's own code may query: they hold
# "Role:principal" tokens, who holds which local role where (places/grants.py)
# and who may review what (review/reviewers.py).  Only the Sharing page may show
# that, to those allowed to see it; a search filtering on them would tell anyone.
INTERNAL_INDEXES = frozenset({"place_grants", "review_grants"})
LONGEST_INTERNAL = max(map(len, INTERNAL_INDEXES))
NOT_READ = object()  # a request whose body nobody reads as JSON (``null`` is a body read as None)
NOT_JSON = object()  # a body that is not JSON at all


class BadBody(BadRequest):
    """400 for a body that is not a JSON object; rendered by ``BadBodyView``."""


def is_json(request):
    kind = (request.getHeader("Content-Type") or "").split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def is_rest(request):
    # plone.rest marks Accept: application/json requests on IPubStart; ++api++
    # (after the site in the path) is only marked later.
    return IAPIRequest.providedBy(request) or "++api++" in request.get("PATH_INFO", "").split("/")


def has_surrogates(value):
    """Whether a form value (a text, a list, a record) holds text that was not valid UTF-8."""
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, (list, tuple)):
        return any(has_surrogates(item) for item in value)
    if hasattr(value, "items") and callable(value.items):
        return any(has_surrogates(key) or has_surrogates(item) for key, item in value.items())
    return False


def bad_form(request):
    """The message for form fields or parameters that are not valid UTF-8; None when they are."""
    if any(has_surrogates(key) or has_surrogates(value) for key, value in request.form.items()):
        return _("error_not_utf8", default="The request holds characters that are not valid text (UTF-8).")
    return None


def json_body(request):
    """The body a REST service or honeypot will read as JSON: its data, ``NOT_JSON``, or ``NOT_READ``."""
    method = request.get("REQUEST_METHOD", "GET").upper()
    # Honeypot reads every JSON POST; REST services read the body of every write.
    if method not in BODY_METHODS or not is_json(request) or not (method == "POST" or is_rest(request)):
        return NOT_READ
    body = request.get("BODY") or b""
    if not body.strip():
        return NOT_READ  # json_body reads an empty body as {}
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8 (UnicodeDecodeError), nested too deep
        return NOT_JSON


def bad_body(request, data):
    """The message for a body (``json_body``) that must be, and is not, a JSON object; None when it is fine."""
    if data is NOT_READ:
        return None
    if not isinstance(data, dict):
        return _("error_not_a_json_object", default="Send a JSON object.")
    if "@type" in data and not isinstance(data["@type"], str):
        return _("error_type_not_text", default="@type must be the name of a content type (a text).")
    return None


def is_internal(name):
    """Whether a parameter name or a key names an internal index, in any spelling (``place_grants.query:record:list``)."""
    return isinstance(name, str) and name.split(".", 1)[0].split(":", 1)[0].strip() in INTERNAL_INDEXES


def is_internal_value(value):
    """Whether a value is an internal index's name (``sort_on``, a querystring row's ``i``); long texts never are."""
    return len(value) <= LONGEST_INTERNAL + 20 and value.strip() in INTERNAL_INDEXES


def names_internal_index(value, parse_json=True):
    """Whether ``value`` (the form, a record, a list, JSON data) names an internal index, as a key or a value.

    With ``parse_json``, a text holding JSON (``@@getVocabulary``'s ``query``,
    ``@querystring-search``'s on a GET) is read too, once.  Walked without
    recursion: how deep it nests is the sender's choice.
    """
    pending = [(value, parse_json)]
    while pending:
        value, parse = pending.pop()
        if isinstance(value, str):
            if is_internal_value(value):
                return True
            if parse and value.lstrip()[:1] in ("{", "["):
                try:
                    pending.append((json.loads(value), False))
                except (ValueError, RecursionError):
                    pass  # not JSON: a text like any other
        elif isinstance(value, (list, tuple)):
            pending.extend((item, parse) for item in value)
        elif hasattr(value, "items") and callable(value.items):  # a dict, a ZPublisher record
            for key, item in value.items():
                if is_internal(key):
                    return True
                pending.append((item, parse))
    return False


def internal_index(request, data):
    """The message for a request naming an internal index (its form, or ``data``: its JSON body); None otherwise."""
    named = names_internal_index(dict(request.form))
    if not named and data is not NOT_READ and data is not NOT_JSON:
        named = names_internal_index(data, parse_json=False)
    return _("error_internal_index", default="This search is not available.") if named else None


@adapter(Interface, IBeforeTraverseEvent)
def check_json_body(obj, event):
    request = event.request
    if request.environ.get(CHECKED):
        return
    request.environ[CHECKED] = True
    data = json_body(request)
    message = bad_body(request, data) or bad_form(request) or internal_index(request, data)
    if message is not None:
        # No site set yet: the language is the browser's (Accept-Language).
        raise BadBody(translate(message, context=request))


class BadBodyView:
    """plone.rest's JSON error, or a short page for a browser, without the site and traversal they need."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        response = self.request.response
        response.setStatus(400, lock=True)
        message = str(self.context)
        if not (is_rest(self.request) or is_json(self.request) or "json" in (self.request.getHeader("Accept") or "")):
            response.setHeader("Content-Type", "text/html; charset=utf-8")
            language = escape(self.request.get("LANGUAGE", "") or "")
            body = f'<!DOCTYPE html><html lang="{language}"><body><main><p role="alert">{escape(message)}</p></main></body></html>'
            response.setBody(body, lock=True)
            return body
        response.setHeader("Content-Type", "application/json")
        error = {"type": "BadRequest", "message": message}
        # plone.rest's shape (type, message) and MissionPlace services' (error).
        body = json.dumps({**error, "error": error})
        response.setBody(body, lock=True)
        return body
