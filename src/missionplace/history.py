"""History: who did what, when, with which comment, in the words of the item's own policy.

Plone's history (the page and plone.restapi's @history) names actions and
states after the workflow of the item's *type*, site-wide; inside a place the
publication policy governs the item (CMFPlacefulWorkflow), so "approve" would
show as "approve" and "submit" as another workflow's "Submit for publication".
The entries are re-titled from the workflow that actually governs the item.
"""

from plone import api
from plone.app.layout.viewlets.content import ContentHistoryView


def retitle(obj, entries):
    """Set ``transition_title`` and ``state_title`` of workflow ``entries`` from ``obj``'s own workflow."""
    workflows = api.portal.get_tool("portal_workflow").getWorkflowsFor(obj)
    if not workflows:
        return entries
    workflow = workflows[0]
    for entry in entries:
        transition = workflow.transitions.get(entry.get("action") or "")
        if transition is not None:
            entry["transition_title"] = transition.actbox_name or transition.title or transition.getId()
        state = workflow.states.get(entry.get("review_state") or "")
        if state is not None:
            entry["state_title"] = state.title or state.getId()
    return entries


class PolicyHistoryView(ContentHistoryView):
    """@@contenthistory (inside @@historyview): the history with the policy's titles."""

    def workflowHistory(self, complete=True):
        return retitle(self.context, super().workflowHistory(complete))
