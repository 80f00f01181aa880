"""The "Request an account" form: how people without an account ask for one.

It lives in the language roots, open to visitors (a place is closed: nobody
outside it can reach a form inside it).  Each request is stored by easyform's
own "Save data" action, for the Secretariat to follow up (the form's "Saved
data" tab), and mailed by the action "missionplace: mail account request" to
the focal points of the Member State named and to the Secretariat moderators,
each in their own language.

The form is open to everybody, so it is guarded against floods
(security/spam.py): a honeypot field, a one-time token in every rendering of
the form, and rate limits per client address, per e-mail address and for the
site.  The guard is the first action of the form ("missionplace: guard
against floods"): a refused post stops there, before anything is saved or
mailed.
"""

from collective.easyform.actions import Action
from collective.easyform.api import get_context
from collective.easyform.browser.view import EasyFormForm
from collective.easyform.browser.view import EasyFormFormWrapper
from collective.easyform.config import FORM_ERROR_MARKER
from collective.easyform.interfaces import IAction
from html import escape
from missionplace import _
from missionplace.forms.actions import action_type
from missionplace.mail.queue import send
from missionplace.missions import mission as missions
from missionplace.places.roles import SECRETARIAT_MODERATORS
from missionplace.security import spam
from plone import api
from zope.i18n import translate
from zope.interface import implementer
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


SUBJECT = _("mail_account_request_subject", default="Account requested for ${mission}: ${fullname}")
BODY = _(
    "mail_account_request_body",
    default="${fullname} <${email}> asks for an account as ${function} of ${mission}.\n\n"
    "Their message:\n${message}\n\n"
    "The focal points of the mission add their staff (Staff page of the mission); "
    "the request is kept on the form's Saved data tab:\n${url}",
)


def recipients(mission):
    """The mission's focal points and the Secretariat moderators."""
    return [mission.focal_points, SECRETARIAT_MODERATORS]


def notify(form, data):
    mission = missions.get(data.get("mission"))
    if mission is None:
        return 0
    function = missions.FUNCTIONS.get(data.get("function"))
    mapping = {
        "fullname": (data.get("fullname") or "").strip(),
        "email": (data.get("email") or "").strip(),
        # Names in English here; mail.send translates the message, not the State's name.
        "mission": mission.name("en"),
        "function": translate(function, target_language="en") if function else "-",
        "message": (data.get("message") or "").strip() or "-",
        "url": f"{form.absolute_url()}/saveddata",
    }
    return send(recipients(mission), SUBJECT, BODY, mapping=mapping, reply_to=mapping["email"] or None)


class IMailAccountRequest(IAction):
    """Mails the request to the mission's focal points and the Secretariat."""


@implementer(IMailAccountRequest)
class MailAccountRequest(Action):
    __doc__ = IMailAccountRequest.__doc__

    def onSuccess(self, fields, request):
        notify(get_context(self), fields)
        return None


MailAccountRequestAction, MailAccountRequestHandler = action_type(
    MailAccountRequest, _("action_mail_account_request", default="MissionPlace: mail account request")
)


# The purpose a token is signed for: a token of another form is no good here.
TOKEN_PURPOSE = "missionplace.account-request"  # noqa: S105 - a name, not a secret


class IGuardAccountRequest(IAction):
    """Refuses replayed posts and floods (one-time token, rate limits); nothing after it runs then."""


@implementer(IGuardAccountRequest)
class GuardAccountRequest(Action):
    __doc__ = IGuardAccountRequest.__doc__

    def onSuccess(self, fields, request):
        refused = spam.admit(request, TOKEN_PURPOSE, fields.get("email"))
        if refused is not None:
            return {FORM_ERROR_MARKER: refused}
        return None


GuardAccountRequestAction, GuardAccountRequestHandler = action_type(
    GuardAccountRequest, _("action_guard_account_request", default="MissionPlace: guard against floods")
)


class AccountRequestForm(EasyFormForm):
    """Easyform's form, each rendering with a fresh one-time token."""

    def render(self):
        html = super().render()
        if self.thanksPage or "</form>" not in html:
            return html
        field = f'<input type="hidden" name="{spam.TOKEN_FIELD}" value="{escape(spam.new_token(TOKEN_PURPOSE))}" />'
        # The form's own closing tag: easyform's template renders a single form.
        head, _sep, tail = html.rpartition("</form>")
        return f"{head}{field}</form>{tail}"


class AccountRequestView(EasyFormFormWrapper):
    form = AccountRequestForm

    def __call__(self):
        # Each visitor needs a token of their own: no cache may share a rendering.
        self.request.response.setHeader("Cache-Control", "no-store, private")
        return super().__call__()


@provider(IVocabularyFactory)
def functions_vocabulary(context=None):
    """Delegate, mission editor, mission focal point: the functions a person has in their mission."""
    return SimpleVocabulary(
        [
            SimpleTerm(key, key, translate(title, context=api.env.getRequest()))
            for key, title in missions.FUNCTIONS.items()
        ]
    )
