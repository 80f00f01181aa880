"""A room's publication policy page, for the place's moderators."""

from missionplace import _
from missionplace.places import room
from missionplace.workflows import policy
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five import BrowserView
from zope.i18n import translate


class RoomPolicyView(BrowserView):
    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            try:
                room.set_room_policy(self.context, self.request.form.get("policy", ""))
            except room.RoomPolicyError as error:
                api.portal.show_message(error.args[0], request=self.request, type="error")
                return self.index()
            api.portal.show_message(
                _("msg_room_policy_changed", default="The room now follows the policy ${title}.",
                  mapping={"title": self.title_of(self.request.form["policy"])}),
                request=self.request,
            )  # fmt: skip
            return self.request.response.redirect(self.context.absolute_url())
        return self.index()

    def current(self):
        return policy.policy_of(self.context)

    def title_of(self, name):
        return translate(policy.load(name)["title"], domain="plone", context=self.request)

    def choices(self):
        return [
            {
                "name": item["name"],
                "title": translate(item["title"], domain="plone", context=self.request),
                "description": translate(item["description"], domain="plone", context=self.request),
                "checked": item["name"] == self.current(),
            }
            for item in room.choosable_policies(self.context)
        ]
