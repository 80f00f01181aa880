"""DELETE an election or an organ: refused while other records point to it.

Plone's delete confirmation (plone.app.linkintegrity) lists the items that
point to what is being deleted and asks first; plone.restapi's DELETE has no
such step and deleted at once, leaving the candidatures of a deleted
election with a broken relation.  Here the REST client is told, as the page
tells a person (409, the message in the user's language, the items it may
see), and nothing is deleted: it changes or deletes them first.
"""

from missionplace import _
from plone.app.linkintegrity.utils import linkintegrity_enabled
from plone.restapi.services.content.delete import ContentDelete
from zope.component import getMultiAdapter
from zope.i18n import translate


class RecordDelete(ContentDelete):
    def reply(self):
        sources = self.sources() if linkintegrity_enabled() else []
        if not sources:
            return super().reply()
        self.request.response.setStatus(409)
        message = _(
            "error_record_in_use",
            default="“${title}” cannot be deleted: ${count} items point to it. Change or delete them first.",
            mapping={"title": self.context.Title(), "count": len(sources)},
        )
        return {
            "error": {
                "type": "Conflict",
                "message": translate(message, context=self.request),
                "breaches": [{"@id": s["url"], "title": s["title"]} for s in sources if s["accessible"]],
            }
        }

    def sources(self):
        """What points to the item, as the delete confirmation finds it (from outside the item)."""
        info = getMultiAdapter((self.context, self.request), name="delete_confirmation_info")
        return [source for breach in info.get_breaches([self.context]) for source in breach.get("sources", ())]
