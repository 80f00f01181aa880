"""Right-to-left pages for Arabic.

Plone's Classic UI templates set ``lang`` on <html> but never ``dir``; without
it an Arabic page reads left to right.  This transform runs after the theme
(plone.app.theming's Diazo transform has order 8850) and sets ``dir`` from the
page's own ``lang``, so every page, themed or not, gets it; never a
download (an uploaded HTML file is served as uploaded).
"""

from missionplace.common.languages import RIGHT_TO_LEFT
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
        language = (html.get("lang") or "").split("-")[0]
        html.set("dir", "rtl" if language in RIGHT_TO_LEFT else "ltr")
        return result
