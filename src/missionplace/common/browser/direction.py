"""``dir`` on <html> too: Plone sets it on <body> only.

Plone's main_template sets ``dir`` on <body> from ``portal_state.is_rtl``
(``rtl`` for Arabic), which lays the page out right to left; <html> gets
``lang`` only.  The document's own direction then stays left to right: the
browser shows an Arabic page's <title> (tab, window, history, bookmarks) in
the wrong order, and ``document.dir`` is empty.  This transform copies the
body's ``dir`` to <html>, nothing more: Plone decides the direction.

It runs after the theme (plone.app.theming's Diazo transform has order 8850
and hands on its parsed page, so a themed page is not parsed again); never on
a download (an uploaded HTML file is served as uploaded).
"""

from missionplace.interfaces import IMissionPlaceLayer
from missionplace.security.downloads import is_download
from plone.transformchain.interfaces import ITransform
from repoze.xmliter.serializer import XMLSerializer
from repoze.xmliter.utils import getHTMLSerializer
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface
import lxml.etree


@implementer(ITransform)
@adapter(Interface, IMissionPlaceLayer)
class TextDirection:
    order = 8960

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def transformBytes(self, result, encoding):
        return self.transformIterable([result], encoding)

    def transformUnicode(self, result, encoding):
        return self.transformIterable([result.encode(encoding)], encoding)

    def transformIterable(self, result, encoding):
        content_type = self.request.response.getHeader("Content-Type") or ""
        if not content_type.startswith("text/html") or is_download(self.request):
            return None
        if not isinstance(result, XMLSerializer):
            try:
                result = getHTMLSerializer(result, pretty_print=False, encoding=encoding)
            except (AttributeError, TypeError, lxml.etree.ParseError):
                return None
        html = result.tree.getroot()
        if html is None or html.tag != "html":
            return None
        body = html.find("body")
        direction = body.get("dir") if body is not None else None
        if direction:
            html.set("dir", direction)
        # Parsed already: the transforms after this one (plone.protect's) take the tree as it is.
        return result
