"""CandiWeb's relation fields over REST: a candidature's election and an election's organ.

plone.restapi's own RelationChoice deserializer resolves a path by
traversal and a UID in the whole catalog, checks the target against the
field only afterwards and says what it could not find in English.  Here a
value (a UID, a path, a URL or a serialized item, as restapi accepts) is
looked up among the records the field's vocabulary offers: the place's, in
the item's language, that the user sees.  Anything else (another place's or
language's record, an item of another type, another mission's draft, a
UID that exists nowhere) is the same 400, in the user's language: no
answer tells what exists where the user cannot look.

Serialized, the relation is restapi's summary of the target, for whoever
may see it; for anyone else it is null (as the pages show no link).
"""

from missionplace import _
from missionplace.candiweb.records import related
from plone import api
from plone.restapi.interfaces import IFieldDeserializer
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.serializer.dxfields import DefaultFieldSerializer
from zope.i18n import translate
from zope.interface import implementer


NO_SUCH = {
    "election": _("error_no_such_election", default="There is no such election."),
    "organ": _("error_no_such_organ", default="There is no such organ."),
}


@implementer(IFieldDeserializer)
class RecordDeserializer:
    """A record the field's vocabulary (vocabularies.records) offers, found by what the client sent."""

    def __init__(self, field, context, request):
        self.field = field.bind(context)
        self.context = context
        self.request = request

    def __call__(self, value):
        found = self.field.vocabulary.find(value)
        if found is None:
            # restapi reports a ValueError's text as the field's error (a 400), and changes nothing.
            raise ValueError(translate(NO_SUCH[self.field.__name__], context=self.request))
        return found


@implementer(IFieldSerializer)
class RecordSerializer(DefaultFieldSerializer):
    """restapi's summary of the target, or null for who may not see it."""

    def __call__(self):
        target = related(self.context, self.field.__name__)
        if target is None or not api.user.has_permission("View", obj=target):
            return None
        return json_compatible(self.get_value())
