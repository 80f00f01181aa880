"""What the REST services of MissionPlace (plone.restapi) share: bad input answered 400, path parameters."""

from missionplace import _
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError
from plone.restapi.services import Service
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
import json
import transaction


# The longest text a service takes in one field (a review comment, a title).
MAX_TEXT = 10_000


class BadInput(ValueError):
    """Input a service cannot take: answered 400 with the message in the user's language, nothing kept."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class AnswersBadInput:
    """Mixed into a service: a BadInput raised while replying is a 400 with its message, and changes nothing."""

    def render(self):
        try:
            return super().render()
        except BadInput as error:
            transaction.doom()  # whatever the attempt did is not kept
            response = self.request.response
            response.setStatus(400)
            response.setHeader("Content-Type", "application/json")
            message = translate(error.message, context=self.request)
            return json.dumps({"error": {"type": "BadRequest", "message": message}})


def json_object(request):
    """The JSON object sent in the body (an empty body is an empty object); BadInput otherwise."""
    try:
        return json_body(request)
    except DeserializationError:
        raise BadInput(_("error_not_a_json_object", default="Send a JSON object.")) from None


def text(data, name, default="", max_length=MAX_TEXT):
    """``data[name]``: a text of at most ``max_length`` characters (``default`` when missing or null)."""
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise BadInput(_("error_not_text", default="${name} must be a text.", mapping={"name": name}))
    if len(value) > max_length:
        raise BadInput(
            _(
                "error_text_too_long",
                default="${name} is too long: at most ${max} characters.",
                mapping={"name": name, "max": max_length},
            )
        )
    return value


@implementer(IPublishTraverse)
class MissionPlaceService(AnswersBadInput, Service):
    """Path parameters (``@members/<principal>``) and errors in the user's language."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def writing(self):
        # Like plone.restapi's own write services: JSON clients send no CSRF token.
        alsoProvides(self.request, IDisableCSRFProtection)

    def error(self, status, kind, message):
        self.request.response.setStatus(status)
        return {"error": {"type": kind, "message": translate(message, context=self.request)}}
