from missionplace.review import queues
from missionplace.review.services.review_queue.get import QueueService


class OurWorkGet(QueueService):
    name = "@our-work"

    def listing(self, filters):
        queues.check_filters(filters)
        groups = queues.our_work(**filters)
        return {"@id": self.url(), **groups, "items_total": sum(len(items) for items in groups.values())}
