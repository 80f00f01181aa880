"""The language selector's links carry the page's query, never a form's posted fields.

plone.app.multilingual copies ``request.form`` into every link of the
selector (and into the redirect of @@multilingual-selector), so the page
answering a POST printed the posted fields, the CSRF token included, into
links anyone could follow, log or leak through a Referer.  Here the links
carry the query string of the address only, without ``_authenticator``.
"""

from plone.app.multilingual import browser as multilingual_browser
from plone.app.multilingual.browser.helper_views import selector_view
from plone.app.multilingual.browser.selector import getPostPath
from plone.app.multilingual.browser.selector import LanguageSelectorViewlet
from plone.app.multilingual.interfaces import ITG
from plone.app.multilingual.interfaces import NOTG
from plone.i18n.interfaces import ILanguageSchema
from plone.i18n.locales.interfaces import IContentLanguageAvailability
from plone.registry.interfaces import IRegistry
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from zope.component import getUtility
from zope.component import queryAdapter
from zope.component.hooks import getSite
import os


NEVER_COPIED = ("_authenticator",)


def query_of(request):
    """The (name, value) pairs of the address's query string; never a POST body, never the CSRF token."""
    pairs = parse_qsl(request.get("QUERY_STRING", ""), keep_blank_values=True)
    return [(name, value) for name, value in pairs if name not in NEVER_COPIED]


def with_query(request, url, exclude=(), **extras):
    pairs = [(name, value) for name, value in query_of(request) if name not in exclude and name not in extras]
    pairs.extend(extras.items())
    return f"{url}?{urlencode(pairs)}" if pairs else url


class QueryOnlyLanguageSelector(LanguageSelectorViewlet):
    """plone.app.multilingual's selector (same links, same template), built from the query string."""

    index = ViewPageTemplateFile(
        "templates/languageselector.pt", _prefix=os.path.dirname(multilingual_browser.__file__)
    )

    def render(self):
        return self.index()

    def languages(self):
        settings = getUtility(IRegistry).forInterface(ILanguageSchema, prefix="plone")
        group = queryAdapter(self.context, ITG) or NOTG
        post_path = getPostPath(self.context, self.request)
        site_url = getSite().absolute_url().rstrip("/")
        results = []
        for info in self._supported_languages():
            extras = {} if settings.set_cookie_always else {"set_language": info["code"]}
            if post_path:
                extras["post_path"] = post_path
            url = f"{site_url}/@@multilingual-selector/{group}/{info['code']}"
            results.append({**info, "translated": True, "url": with_query(self.request, url, **extras)})
        return results

    def _supported_languages(self):
        """What plone.app.i18n's ``LanguageSelector.languages`` answers, built from the supported languages only.

        Plone's builds and marks the entry of every language it knows (two
        hundred or more, each asking the registry whether it is supported) on
        every page; the selector shows the six.
        """
        if self.tool is None:
            return []
        current = self.tool.getLanguageBindings(self.request)[0]
        known = getUtility(IContentLanguageAvailability).getLanguages(combined=self.tool.use_combined_language_codes)
        return [
            {**known[code], "code": code, "selected": code == current}
            for code in dict.fromkeys(self.tool.getSupportedLanguages())
            if code in known
        ]


class QueryOnlySelectorView(selector_view):
    """@@multilingual-selector: redirects with the query string only, as its links were built."""

    def wrapDestination(self, url, postpath=True):
        if postpath:
            url += dict(query_of(self.request)).get("post_path", "")
        return with_query(self.request, url, exclude=("post_path",))
