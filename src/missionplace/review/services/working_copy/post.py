from missionplace.review import workingcopy
from plone.restapi.services.workingcopy.create import CreateWorkingCopy
from zope.component import getMultiAdapter
from zope.i18n import translate


class WorkingCopyPost(CreateWorkingCopy):
    def reply(self):
        control = getMultiAdapter((self.context, self.request), name="iterate_control")
        if control.checkout_allowed():
            return super().reply()
        busy = workingcopy.is_busy(self.context)
        self.request.response.setStatus(409 if busy else 403)
        message = translate(workingcopy.checkout_refusal(self.context), context=self.request)
        return {"error": {"type": "Conflict" if busy else "Forbidden", "message": message}}
