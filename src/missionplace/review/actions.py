"""Review: taking the actions of a publication policy, with their comments.

The policies (policies/*.toml) say which actions need a comment ("reject",
"send back"); this module enforces it however the action is taken (pages,
REST, scripts), and reads back the last review comment for the mission.
"""

from Acquisition import aq_base
from missionplace import _
from missionplace.workflows import policy
from plone import api
from Products.CMFCore.utils import getToolByName
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.globalrequest import getRequest
from zope.i18n import translate
import transaction


def comment_required(obj, action_id):
    workflow = _workflow_of(obj)
    return workflow is not None and policy.comment_required(workflow.getId(), action_id)


def _workflow_of(obj):
    workflows = api.portal.get_tool("portal_workflow").getWorkflowsFor(obj)
    return workflows[0] if workflows else None


def require_comment(obj, event):
    """Refuse an action the policy requires a comment for, when none is given."""
    if event.transition is None:  # creation, not an action
        return
    comment = (event.kwargs or {}).get("comment") or ""
    if comment.strip() or not policy.comment_required(event.workflow.getId(), event.transition.getId()):
        return
    # Nothing of the attempt may be kept (plone.restapi sets dates before acting).
    transaction.doom()
    message = _(
        "error_comment_required",
        default="Please say why: a comment is required to ${action}.",
        mapping={"action": translate(event.transition.title, domain="plone", context=getRequest())},
    )
    raise WorkflowException(translate(message, context=getRequest()))


def state_title(obj, state=None, translated=False, default=None):
    """The title of ``state`` (by default the current one) in the item's own workflow.

    Plone's getTitleForStateOnType asks the type's site-wide workflow; in a
    place the item follows the place's policy instead.  The title is Plone's
    "plone" msgid, in the user's language when ``translated``; ``default``
    (else the state id) when the item's workflow has no such state.
    """
    state = state or api.content.get_state(obj=obj, default="")
    found = _definition(obj, "states", state)
    title = (found.title or state) if found is not None else (state if default is None else default)
    return _translate(title) if translated else title


def action_title(obj, action_id, translated=False, default=None):
    """The title of the action ``action_id`` in the item's own workflow (see ``state_title``)."""
    found = _definition(obj, "transitions", action_id)
    if found is None:
        title = action_id if default is None else default
    else:
        # The name the State menu shows, as in Plone's history.
        title = found.actbox_name or found.title or action_id
    return _translate(title) if translated else title


def _definition(obj, kind, item_id):
    """The state or transition (``kind``) ``item_id`` of the workflow that governs ``obj``, else None."""
    for workflow in api.portal.get_tool("portal_workflow").getWorkflowsFor(obj):
        found = getattr(workflow, kind).get(item_id or "")
        if found is not None:
            return found
    return None


def _translate(title):
    # An empty msgid would translate to the catalog's header.
    return translate(title, domain="plone", context=getRequest()) if title else ""


def available_actions(obj):
    """[{id, title, comment_required}] the current user may take on ``obj``."""
    tool = api.portal.get_tool("portal_workflow")
    workflow = _workflow_of(obj)
    return [
        {
            "id": info["id"],
            "title": info["title"],
            "comment_required": bool(workflow) and policy.comment_required(workflow.getId(), info["id"]),
        }
        for info in tool.getTransitionsFor(obj)
    ]


def take(obj, action_id, comment=""):
    """Take ``action_id`` on ``obj`` as the current user; WorkflowException says why not."""
    if action_id not in [action["id"] for action in available_actions(obj)]:
        raise WorkflowException(translate(_("error_action_unavailable", default="This action is not available."),
                                          context=getRequest()))  # fmt: skip
    # The workflow tool itself: plone.api would turn our reason into a list of transitions.
    api.portal.get_tool("portal_workflow").doActionFor(obj, action_id, comment=comment or "")


def workflow_history(obj):
    """The entries of the workflow that governs ``obj`` now, oldest first (as stored)."""
    histories = getattr(aq_base(obj), "workflow_history", None) or {}
    if not histories:
        return ()
    # Through acquisition, not plone.api: the catalog indexes it where no site is set.
    tool = getToolByName(obj, "portal_workflow", None)
    for workflow_id in tool.getChainFor(obj) if tool is not None else ():
        if workflow_id in histories:
            return histories[workflow_id]
    return ()


def history(obj):
    """The review history of ``obj``, newest first: [{action, actor, time, comments, review_state}]."""
    return [dict(entry) for entry in reversed(workflow_history(obj))]


def last_review_comment(obj):
    """The entry that sent ``obj`` back (reject, send back) when that was its last action, else None.

    A later action (a resubmission...) ends what the comment was about.
    """
    entries = history(obj)
    if not entries or not entries[0].get("action"):
        return None
    last = entries[0]
    return last if policy.comment_required(_workflow_of(obj).getId(), last["action"]) else None
