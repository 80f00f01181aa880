from missionplace import _
from missionplace.common import listings
from missionplace.common.rest import MissionPlaceService
from missionplace.review import queues
from plone import api
from plone.restapi.batching import DEFAULT_BATCH_SIZE
from plone.restapi.batching import HypermediaBatch


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
        # Batched as plone.restapi's listings are (b_start, b_size, "batching" links), checked first.
        listings.batch(self.request.form, default_size=DEFAULT_BATCH_SIZE)
        everything = queues.collect_review()
        items = queues.apply(everything, **filters)
        batch = HypermediaBatch(self.request, items)
        result = {
            "@id": self.url(),
            "items": everything.finish(list(batch)),
            "items_total": batch.items_total,
            "choices": queues.choices(everything),
        }
        if batch.links:
            result["batching"] = batch.links
        return result
