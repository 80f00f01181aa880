"""Uploaded files are served exactly as uploaded, and never run in the site's origin.

Plone's output transforms rewrote a downloaded ``.html`` file: plone.protect
injected its script with the downloader's CSRF token and our own transform
(``common/browser/direction.py``) added ``dir``, so the file, opened from disk, could
write as its downloader.  Here every download (plone.namedfile's
``@@download`` and ``@@display-file``, image scales of ``@@images``, through
``++api++`` too) skips the transform chain, so its bytes are the uploaded ones.

Types a browser may run (HTML, SVG, XML, scripts: anything plone.namedfile
does not itself show inline) are served as attachments with a sandboxing
Content-Security-Policy; every download gets ``nosniff``, so a browser never
guesses an active type either.  Other responses a view marks as attachments
(e.g. a form's saved data) get the same headers.
"""

from AccessControl import getSecurityManager
from plone.namedfile.browser import ALLOWED_INLINE_MIMETYPES
from plone.namedfile.browser import Download
from plone.namedfile.scaling import ImageScale
from plone.protect.auto import ProtectTransform
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY
from urllib.parse import quote
from zope.component import adapter
from ZPublisher.interfaces import IPubAfterTraversal
from ZPublisher.interfaces import IPubBeforeCommit


DOWNLOAD_KEY = "missionplace.download"

# No script, no plugin, no form, nothing fetched, and a unique origin of its
# own even where a browser ignores Content-Disposition.
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def _published(request):
    published = request.get("PUBLISHED")
    return getattr(published, "__self__", published)  # a view's method (index_html): its view


def is_download(request):
    """The response is a stored file (or a view marked it as an attachment)."""
    if request.environ.get(DOWNLOAD_KEY):
        return True
    disposition = request.response.getHeader("Content-Disposition") or ""
    return disposition.strip().lower().startswith("attachment")


def is_active(content_type):
    """A type a browser might run or render with script: all but plone.namedfile's inline ones."""
    return content_type.split(";")[0].strip().lower() not in ALLOWED_INLINE_MIMETYPES


@adapter(IPubAfterTraversal)
def serve_as_uploaded(event):
    """No output transform touches a stored file."""
    request = event.request
    if isinstance(_published(request), (Download, ImageScale)):
        request.environ[DOWNLOAD_KEY] = True
        request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True  # plone.transformchain's off switch


def _filename(published):
    for source in (getattr(published, "data", None), published):
        name = getattr(source, "filename", None)
        if name:
            return name
    return getattr(published, "fieldname", None) or "download"


@adapter(IPubBeforeCommit)
def download_headers(event):
    request = event.request
    if not is_download(request):
        return
    response = request.response
    if request.environ.get(DISABLE_TRANSFORM_REQUEST_KEY) and request.environ.get(DOWNLOAD_KEY):
        # The transform chain is off, and plone.protect's automatic CSRF check
        # runs in it: run that check here (a write on read is still aborted).
        user = getSecurityManager().getUser()
        if user is not None and user.getUserName() != "Anonymous User":
            ProtectTransform(request.get("PUBLISHED"), request).check()
    response.setHeader("X-Content-Type-Options", "nosniff")
    content_type = response.getHeader("Content-Type") or "application/octet-stream"
    disposition = (response.getHeader("Content-Disposition") or "").strip()
    if is_active(content_type) or disposition.lower().startswith("attachment"):
        response.setHeader("Content-Security-Policy", SANDBOX_CSP)
        if not disposition.lower().startswith("attachment"):
            name = quote(str(_filename(_published(request))).encode("utf-8"))
            response.setHeader("Content-Disposition", f"attachment; filename*=UTF-8''{name}")
