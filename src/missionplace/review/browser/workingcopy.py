"""Working copy pages: the changes a moderator reviews, and what the copy is."""

from AccessControl import Unauthorized
from missionplace import _
from missionplace.review import actions
from missionplace.review import workingcopy
from plone import api
from plone.app.iterate.browser.checkin import Checkin
from plone.app.iterate.browser.checkout import Checkout
from plone.app.layout.viewlets import ViewletBase
from Products.Five import BrowserView
from zope.component import getMultiAdapter
from zope.publisher.interfaces import NotFound


def checked_pair(context, request):
    """(baseline, copy) of the checkout ``context`` is part of, both visible to the user.

    The published page's readers must not read the copy's draft through it.
    """
    baseline, copy = workingcopy.pair(context)
    if baseline is None or copy is None:
        raise NotFound(context, "working-copy-diff", request)
    for obj in (baseline, copy):
        if not api.user.has_permission("View", obj=obj):
            raise Unauthorized("working-copy-diff")
    return baseline, copy


class WorkingCopyDiffView(BrowserView):
    """@@working-copy-diff: title, summary and text, published against revised."""

    def __call__(self):
        self.baseline, self.copy = checked_pair(self.context, self.request)
        self.changes = workingcopy.changes(self.baseline, self.copy)
        self.changed = [change for change in self.changes if change["changed"]]
        return self.index()

    def state_title(self, obj):
        return actions.state_title(obj, translated=True)


class WorkingCopyViewlet(ViewletBase):
    """On a working copy: which page it revises, and a link to the changes."""

    def update(self):
        self.baseline = workingcopy.baseline_of(self.context)

    def render(self):
        return self.index() if self.baseline is not None else ""


class CheckoutView(Checkout):
    """Iterate's check-out page, refusing with a message instead of an error page."""

    def __call__(self):
        control = getMultiAdapter((self.context, self.request), name="iterate_control")
        if not control.checkout_allowed():
            api.portal.show_message(workingcopy.checkout_refusal(self.context), request=self.request, type="error")
            return self.request.response.redirect(self.context.absolute_url())
        return super().__call__()


class CheckinView(Checkin):
    """Under a MissionPlace policy a revised copy is checked in by approving it, never directly."""

    def __call__(self):
        if not workingcopy.under_policy(self.context):
            return super().__call__()
        api.portal.show_message(
            _(
                "msg_checkin_by_approval",
                default="A revised copy replaces the published text when it is approved: submit it for review.",
            ),
            request=self.request,
            type="warning",
        )
        return self.request.response.redirect(self.context.absolute_url())
