"""The review queue (@@review-queue) and "our work" (@@our-work) pages of each language root."""

from AccessControl import getSecurityManager
from AccessControl import Unauthorized
from DateTime import DateTime
from missionplace import _
from missionplace.common import listings
from missionplace.review import queues
from missionplace.workflows import policy
from plone import api
from plone.batching import Batch
from plone.i18n.locales.interfaces import IContentLanguageAvailability
from plone.memoize import ram
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode
from zope.component import getUtility


class QueueView(BrowserView):
    default_sort = "submitted"
    default_order = "ascending"
    filters_template = ViewPageTemplateFile("templates/queue_filters.pt")

    def __call__(self):
        # Personal pages: anonymous visitors are sent to the login form.
        if api.user.is_anonymous():
            raise Unauthorized("Log in to see your queues.")
        try:
            self.filters = listings.read(self.request.form, queues.QUEUE_FILTERS, queues.SORT_KEYS)
        except listings.ListingError as error:
            api.portal.show_message(error.args[0], request=self.request, type="error")
            self.filters = {}
        self.update()
        return self.index()

    def url(self, **changes):
        params = {**self.filters, **changes}
        query = urlencode({k: v for k, v in params.items() if v})
        return f"{self.context.absolute_url()}/@@{self.__name__}" + (f"?{query}" if query else "")

    def sort_url(self, key):
        """Sorted by ``key``; a second click on the same column reverses the order."""
        current = self.filters.get("sort_on", self.default_sort)
        order = self.filters.get("sort_order", self.default_order if current == self.default_sort else "ascending")
        if key == current:
            return self.url(sort_on=key, sort_order="ascending" if order == "descending" else "descending")
        return self.url(sort_on=key, sort_order="ascending")

    def sort_indicator(self, key):
        if key != self.filters.get("sort_on", self.default_sort):
            return ""
        order = self.filters.get("sort_order", self.default_order if key == self.default_sort else "ascending")
        return "▼" if order == "descending" else "▲"

    def sort(self, items):
        return queues.apply(items, default_sort=self.default_sort, default_order=self.default_order, **self.filters)

    def when(self, iso):
        return api.portal.get_localized_time(datetime=DateTime(iso), long_format=True) if iso else ""

    def language_title(self, code):
        info = getUtility(IContentLanguageAvailability).getLanguages().get(code) or {}
        return info.get("native") or code

    def authenticator(self):
        return api.content.get_view("authenticator", self.context, self.request).token()

    def came_from(self):
        return self.url()


class ReviewQueueView(QueueView):
    """Everything the user may review, with approve and reject in place."""

    def update(self):
        everything = queues.collect_review()
        self.choices = queues.choices(everything)
        self.total = len(everything)
        try:
            start, size = listings.batch(self.request.form)
        except listings.ListingError as error:
            api.portal.show_message(error.args[0], request=self.request, type="error")
            start, size = 0, listings.BATCH_SIZE
        self.b_start = start
        # One page of rows (plone.batching, with Plone's page links): only they are woken up.
        self.batch = Batch(self.sort(everything), size, start)
        self.items = everything.finish(list(self.batch))
        self.matching = self.batch.sequence_length

    def came_from(self):
        # Back to the same page of the queue after a decision.
        return self.url(b_start=self.b_start) if self.b_start else self.url()

    def approvals(self, item):
        return [t for t in item["transitions"] if t["id"] in policy.actions_of_kind("approve")]

    def rejections(self, item):
        return [t for t in item["transitions"] if t["id"] in policy.actions_of_kind("reject")]

    def button_title(self, transition):
        return {
            "approve": _("button_approve", default="Approve"),
            "bureau_approve": _("button_bureau_approve", default="Give final approval"),
            "reject": _("button_reject", default="Reject"),
            "send_back": _("button_send_back", default="Send back to the Secretariat"),
        }.get(transition["id"], transition["title"])


class OurWorkView(QueueView):
    """The drafts, submissions, rejections and recent publications of the user's missions."""

    default_sort = "modified"
    default_order = "descending"

    def update(self):
        groups = queues.collect_work()
        self.choices = queues.choices([item for items in groups.values() for item in items])
        self.groups = [
            {"id": name, "title": title, "entries": self.sort(groups[name])}
            for name, title in (
                ("rejected", _("heading_work_rejected", default="Sent back to you")),
                ("drafts", _("heading_work_drafts", default="Drafts")),
                ("submitted", _("heading_work_submitted", default="Submitted for review")),
                ("published", _("heading_work_published", default="Published in the last 30 days")),
            )
        ]
        self.total = sum(len(items) for items in groups.values())

    def actions(self, item):
        """The steps the mission takes itself from here: submit, withdraw."""
        return [t for t in item.get("transitions", ()) if t["id"] in policy.actions_of_kind("submit", "withdraw")]

    def button_title(self, transition):
        return {
            "submit": _("button_submit", default="Submit for review"),
            "withdraw": _("button_withdraw", default="Withdraw"),
        }.get(transition["id"], transition["title"])


class QueueLinks(BrowserView):
    """Whether to offer the queues in the user menu (see profiles/default/actions.xml).

    Asked on every page a logged-in user sees, so the answers are remembered
    across requests, under a key made of everything they depend on (issue 11):
    who asks (id, groups, site-wide roles) and, for the review queue, the
    roles that review (from the workflows) and the catalog's change counter
    (the ``place_grants`` index and the catalog's own security filter follow
    every membership and sharing change).  Places and rooms have no
    publication dates, so the catalog's answer does not depend on the time.
    """

    def review(self):
        user = _user()
        return user is not None and _may_review(_review_key(user))

    def work(self):
        user = _user()
        return user is not None and _may_have_work(_principals(user))


def _user():
    """The logged-in user (as the request authenticated it), or None for the anonymous visitor (who has no id)."""
    user = getSecurityManager().getUser()
    return None if user is None or user.getId() is None else user


def _principals(user):
    # The Zope root's users belong to no group.
    groups = getattr(user, "getGroups", tuple)()
    return (user.getId(), tuple(sorted(groups)), tuple(sorted(user.getRoles())))


def _review_key(user):
    catalog = api.portal.get_tool("portal_catalog")
    return (
        "/".join(catalog.getPhysicalPath()),
        catalog.getCounter(),
        tuple(sorted(queues.reviewing_roles())),
        *_principals(user),
    )


@ram.cache(lambda _fun, key: key)
def _may_review(key):
    return queues.may_review()


@ram.cache(lambda _fun, key: key)
def _may_have_work(key):
    return queues.may_have_work()
