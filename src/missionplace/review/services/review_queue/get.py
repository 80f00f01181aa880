from missionplace import _
from missionplace.common.rest import MissionPlaceService
from missionplace.review import queues
from plone import api


class QueueService(MissionPlaceService):
    """Shared by @review-queue and @our-work: login, filters, errors."""

    def reply(self):
        if api.user.is_anonymous():
            return self.error(401, "Unauthorized", _("error_log_in_first", default="Log in first."))
        form = self.request.form
        filters = {name: form[name] for name in (*queues.FILTERS, "sort_on", "sort_order") if form.get(name)}
        try:
            return self.listing(filters)
        except queues.QueueError as error:
            return self.error(400, "BadRequest", error.args[0])

    def url(self):
        return f"{self.context.absolute_url()}/{self.name}"


class ReviewQueueGet(QueueService):
    name = "@review-queue"

    def listing(self, filters):
        queues.check_filters(filters)
        everything = queues.collect_review()
        items = queues.apply(everything, **filters)
        return {"@id": self.url(), "items": items, "items_total": len(items), "choices": queues.choices(everything)}
