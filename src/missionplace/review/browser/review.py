"""Review pages: taking an action with its comment, and the comment shown to the mission."""

from Acquisition import aq_inner
from Acquisition import aq_parent
from missionplace import _
from missionplace.review import actions
from plone import api
from plone.app.content.browser.content_status_modify import ContentStatusModifyView
from plone.app.layout.viewlets import ViewletBase
from plone.protect import CheckAuthenticator
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five import BrowserView
from zope.i18n import translate
import transaction


class ReviewTransitionView(BrowserView):
    """@@review-transition?workflow_action=reject: the action, its comment, and a button.

    The workflow menu links here, so the comment a policy requires (reject,
    send back) is asked before anything changes.
    """

    error = None

    def __call__(self):
        self.action_id = self.request.form.get("workflow_action", "")
        self.action = {a["id"]: a for a in actions.available_actions(self.context)}.get(self.action_id)
        if self.request.method == "POST" and self.request.form.get("form.cancel"):
            return self.request.response.redirect(self.came_from())
        if self.action is None:
            api.portal.show_message(
                _("error_action_unavailable", default="This action is not available."),
                request=self.request,
                type="error",
            )
            return self.request.response.redirect(self.context.absolute_url())
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            comment = (self.request.form.get("comment") or "").strip()
            try:
                actions.take(self.context, self.action_id, comment)
            except WorkflowException as error:
                transaction.doom()
                self.error = error.args[0] if error.args else str(error)
                self.request.response.setStatus(400)
                return self.index()
            api.portal.show_message(
                _("msg_action_taken", default="Done: ${action}.", mapping={"action": self.action_title()}),
                request=self.request,
            )
            return self.request.response.redirect(self.came_from())
        return self.index()

    def action_title(self):
        return translate(self.action["title"], domain="plone", context=self.request)

    def came_from(self):
        """Back where the user came from, or the item, or its container if it is no longer visible."""
        wanted = self.request.form.get("came_from") or ""
        if wanted and api.portal.get_tool("portal_url").isURLInPortal(wanted):
            return wanted
        if api.user.has_permission("View", obj=self.context):
            return self.context.absolute_url()
        return aq_parent(aq_inner(self.context)).absolute_url()


class ContentStatusModify(ContentStatusModifyView):
    """Plone's own action page ("Advanced..."), refusing with a message instead of an error page."""

    # The same signature as Plone's: the publisher fills the arguments by name.
    def __call__(self, workflow_action=None, comment="", effective_date=None, expiration_date=None, **kwargs):
        try:
            return super().__call__(workflow_action, comment, effective_date, expiration_date, **kwargs)
        except WorkflowException as error:
            transaction.doom()
            api.portal.show_message(error.args[0] if error.args else str(error), request=self.request, type="error")
            return self.request.response.redirect(f"{self.context.absolute_url()}/content_status_history")


class ReviewCommentViewlet(ViewletBase):
    """Why the item was sent back, for whoever may see it (the mission first)."""

    def update(self):
        self.entry = actions.last_review_comment(self.context)

    def actor(self):
        user = api.user.get(userid=self.entry.get("actor"))
        return (user.getProperty("fullname") or user.getId()) if user else self.entry.get("actor")

    def when(self):
        return api.portal.get_localized_time(self.entry["time"], long_format=True)

    def render(self):
        return self.index() if self.entry else ""
