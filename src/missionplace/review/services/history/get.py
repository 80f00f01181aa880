from missionplace import _
from missionplace.common.rest import AnswersBadInput
from missionplace.common.rest import BadInput
from missionplace.review.history import may_see_history
from missionplace.review.history import PolicyHistoryView
from plone import api
from plone.restapi.bbb import safe_text
from plone.restapi.services.history.get import HistoryGet as BaseHistoryGet


class HistoryGet(AnswersBadInput, BaseHistoryGet):
    def reply(self):
        if self.version:
            self.check_version()
            return super().reply()
        result = super().reply()
        if not may_see_history(self.context):
            # Readers see the versions, not who approved each and why.
            for item in result:
                if item["type"] == "versioning":
                    item.update(actor=None, comments="")
        # The same entries in the same order, titled after the item's own policy.
        view = PolicyHistoryView(self.context, self.request)
        entries = [entry for entry in view.fullHistory() or [] if entry["type"] == "workflow"]
        items = [item for item in result if item["type"] == "workflow"]
        for item, entry in zip(items, entries, strict=True):
            for key in ("transition_title", "state_title"):
                item[key] = self.context.translate(safe_text(entry[key]), context=self.request)
        return result

    def check_version(self):
        """``@history/<version>``: "current" or the number of a saved version; BadInput otherwise."""
        if self.version == "current":
            return
        history = api.portal.get_tool("portal_repository").getHistoryMetadata(self.context)
        known = (
            {str(history.getVersionId(i, countPurged=False)) for i in range(history.getLength(countPurged=False))}
            if history
            else set()
        )
        if self.version not in known:
            raise BadInput(
                _(
                    "error_no_such_version",
                    default="No such version: ${version}.",
                    mapping={"version": self.version[:20]},
                )
            )
