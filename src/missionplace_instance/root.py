"""The Zope root sends visitors to the MissionPlace site."""

from OFS.interfaces import IApplication
from plone.base.interfaces import IPloneSiteRoot
from plone.distribution.browser.admin import RestTraverser
from Products.Five import BrowserView
from zope.component import adapter
from zope.component import queryMultiAdapter
from zope.publisher.interfaces import IRequest
import os


def site_id():
    """The id of the MissionPlace site in this Zope (``missionplace`` unless set)."""
    return os.environ.get("MISSIONPLACE_SITE_ID", "missionplace")


@adapter(IApplication, IRequest)
class RootTraverser(RestTraverser):
    """Serve the root's default page as a redirect once the site exists.

    Everything else (``@@plone-overview``, ``++api++/@sites``, the ZMI) is
    left to Plone's own traverser.
    """

    def _has_site(self):
        return IPloneSiteRoot.providedBy(self.context.get(site_id()))

    def browserDefault(self, request):
        # A root without an index_html object of its own has no default page.
        if self._has_site():
            return self.context, ("index_html",)
        return super().browserDefault(request)

    def publishTraverse(self, request, name):
        if name == "index_html" and self._has_site():
            view = queryMultiAdapter((self.context, request), name="missionplace-root")
            if view is not None:
                return view
        return super().publishTraverse(request, name)


class RootRedirect(BrowserView):
    def __call__(self):
        site = self.context[site_id()]
        self.request.response.redirect(site.absolute_url(), status=302)
        return ""
