"""Pages whose form makes one change per post: a place's Members tab, a mission's staff page."""

from AccessControl import Unauthorized
from plone import api
from plone.protect import CheckAuthenticator


class ChangeForm:
    """Mixed into a page: a post makes one change, or is refused with its reason and changes nothing.

    ``refusals``: the exceptions by which the feature refuses a change the
    user can mend (answered 400); Unauthorized is answered 403.  A refused
    change shows the page again, with the reason in ``error``.
    """

    error = None
    refusals = ()

    def make_change(self, change, next_url):
        """``change()`` makes the change and returns the message to show; made, the user goes to ``next_url``."""
        CheckAuthenticator(self.request)
        try:
            message = change()
        except self.refusals as error:
            return self.refused(error, 400)
        except Unauthorized as error:
            return self.refused(error, 403)
        api.portal.show_message(message, request=self.request)
        return self.request.response.redirect(next_url)

    def refused(self, error, status):
        self.error = error.args[0]
        self.request.response.setStatus(status)
        return self.index()
