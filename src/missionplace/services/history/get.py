from missionplace.history import PolicyHistoryView
from plone.restapi.bbb import safe_text
from plone.restapi.services.history.get import HistoryGet as BaseHistoryGet


class HistoryGet(BaseHistoryGet):
    def reply(self):
        result = super().reply()
        if self.version:
            return result
        # The same entries in the same order, titled after the item's own policy.
        view = PolicyHistoryView(self.context, self.request)
        entries = [entry for entry in view.fullHistory() or [] if entry["type"] == "workflow"]
        items = [item for item in result if item["type"] == "workflow"]
        for item, entry in zip(items, entries, strict=True):
            for key in ("transition_title", "state_title"):
                item[key] = self.context.translate(safe_text(entry[key]), context=self.request)
        return result
