"""@workflow with the titles of the item's own workflow.

plone.restapi titles states by the workflow of the item's *type* site-wide;
in a place, the type follows the place's publication policy (placeful
workflow), so its states ("Awaiting the bureau") would show as bare ids.
"""

from missionplace.review import actions
from plone.restapi.interfaces import IExpandableElement
from plone.restapi.services import Service
from plone.restapi.services.workflow.info import WorkflowInfo
from Products.CMFCore.interfaces import IWorkflowAware
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


@implementer(IExpandableElement)
@adapter(IWorkflowAware, Interface)
class PlacefulWorkflowInfo(WorkflowInfo):
    def __call__(self, expand=False):
        result = super().__call__(expand)
        info = result["workflow"]
        if not expand or "state" not in info:
            return result

        def title(state_id):
            return self.context.translate(actions.state_title(self.context, state_id), domain="plone")

        info["state"]["title"] = title(info["state"]["id"])
        for entry in info["history"]:
            entry["title"] = title(entry.get("review_state"))
        return result


class PlacefulWorkflowInfoService(Service):
    def reply(self):
        return PlacefulWorkflowInfo(self.context, self.request)(expand=True)["workflow"]
