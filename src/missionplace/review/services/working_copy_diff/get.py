from AccessControl import Unauthorized
from missionplace import _
from missionplace.common.rest import MissionPlaceService
from missionplace.review import workingcopy
from plone import api
from zope.i18n import translate


def _item(obj):
    return {
        "@id": obj.absolute_url(),
        "title": obj.Title(),
        "review_state": api.content.get_state(obj=obj, default=None),
    }


class WorkingCopyDiffGet(MissionPlaceService):
    def reply(self):
        baseline, copy = workingcopy.pair(self.context)
        if baseline is None or copy is None:
            return self.error(404, "NotFound", _("error_no_working_copy", default="This item has no working copy."))
        # The published page's readers must not read the copy's draft through it.
        if not all(api.user.has_permission("View", obj=obj) for obj in (baseline, copy)):
            raise Unauthorized("@working-copy-diff")
        return {
            "@id": f"{self.context.absolute_url()}/@working-copy-diff",
            "baseline": _item(baseline),
            "working_copy": _item(copy),
            "changes": [
                {
                    "field": change["field"],
                    "title": translate(change["label"], context=self.request),
                    "changed": change["changed"],
                    "old": change["old"],
                    "new": change["new"],
                    "diff": change["diff"],
                }
                for change in workingcopy.changes(baseline, copy)
            ],
        }
