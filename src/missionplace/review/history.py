"""History: who did what, when, with which comment, in the words of the item's own policy.

Plone's history (the page and plone.restapi's @history) names actions and
states after the workflow of the item's *type*, site-wide; inside a place the
publication policy governs the item (CMFPlacefulWorkflow), so "approve" would
show as "approve" and "submit" as another workflow's "Submit for publication".
The entries are re-titled from the workflow that actually governs the item.

Who did what and why is for those who may "see history" (workflows/policy.py: the
permission "Request review", or "Review portal content" as Plone has it):
the readers of an item see its versions, but each version is saved by an
approval, with the approver and the approval comment, so those are left out
of the versions shown to everybody else (@@historyview, @@contenthistory,
versions_history_form, REST @history).
"""

from Acquisition import aq_inner
from missionplace.review import actions
from plone import api
from plone.app.layout.viewlets.content import ContentHistoryView
from Products.CMFEditions.browser.views import VersionsHistoryForm


def retitle(obj, entries):
    """Set ``transition_title`` and ``state_title`` of workflow ``entries`` from ``obj``'s own workflow."""
    for entry in entries:
        # Untranslated: Plone's history templates translate them ("plone" domain).
        if entry.get("action"):
            entry["transition_title"] = actions.action_title(
                obj, entry["action"], default=entry.get("transition_title")
            )
        if entry.get("review_state"):
            entry["state_title"] = actions.state_title(obj, entry["review_state"], default=entry.get("state_title"))
    return entries


def may_see_history(obj):
    """Whether the current user may see who did what on ``obj``, and why (Plone's own test)."""
    return any(
        api.user.has_permission(permission, obj=obj) for permission in ("Request review", "Review portal content")
    )


def anonymize(obj, entries):
    """``entries`` of the versions of ``obj``, without who saved each and why unless the user may see that."""
    if may_see_history(obj):
        return entries
    for entry in entries:
        entry.update(actorid="", actor=None, actor_home="", comments="")
    return entries


class PolicyHistoryView(ContentHistoryView):
    """@@contenthistory (inside @@historyview): the history with the policy's titles."""

    def workflowHistory(self, complete=True):
        return retitle(self.context, super().workflowHistory(complete))

    def revisionHistory(self):
        return anonymize(aq_inner(self.context), super().revisionHistory())


class PolicyVersionsHistoryForm(VersionsHistoryForm):
    """CMFEditions' versions_history_form: the versions, their savers and comments to who may see history."""

    def may_see_history(self):
        return may_see_history(aq_inner(self.context))
