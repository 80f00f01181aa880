"""POST /item/@workflow/<action>: plone.restapi's, refusing malformed input with a 400 in the user's language.

plone.restapi passes whatever JSON it gets to the workflow: ``{"comment":
123}`` ended in a 500 with the exception's text.
"""

from missionplace import _
from missionplace.common.rest import AnswersBadInput
from missionplace.common.rest import BadInput
from missionplace.common.rest import json_object
from missionplace.common.rest import text
from plone import api
from plone.restapi.services.workflow.transition import WorkflowTransition
import transaction


DATES = ("effective", "expires", "effectiveDate", "expirationDate")


class WorkflowTransitionPost(AnswersBadInput, WorkflowTransition):
    def reply(self):
        if self.transition is None:
            raise BadInput(_("error_no_action", default="Say which action to take: @workflow/<action>."))
        data = json_object(self.request)
        text(data, "comment")
        if not isinstance(data.get("include_children", False), bool):
            raise BadInput(_("error_include_children", default="include_children is true or false."))
        for name in DATES:
            text(data, name, max_length=64)
        known = {
            transition
            for workflow in api.portal.get_tool("portal_workflow").getWorkflowsFor(self.context)
            for transition in workflow.transitions.objectIds()
        }
        if self.transition not in known:
            raise BadInput(
                _(
                    "error_unknown_action",
                    default="Unknown action: ${action}.",
                    mapping={"action": self.transition[:100]},
                )
            )
        result = super().reply()
        if self.request.response.getStatus() >= 400:
            # plone.restapi answers a refused transition (not offered to this
            # user) with an error but has already set the item's effective
            # date by then: a refusal keeps nothing.
            transaction.doom()
        return result
