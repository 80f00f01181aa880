"""A field value of the wrong shape is a 400 naming the field, never a 500.

plone.restapi's content deserializer turns a field deserializer's
``ValueError`` and ``ValidationError`` into field errors (a 400), but not
what the same deserializers raise on a value of the wrong JSON type: a number
as a date (dateutil's ``TypeError``), a list as a file (``ComponentLookupError``
for ``IStorage``), ``{"data": null}`` as rich text (``AttributeError``), nor a
constraint's bare ``Invalid`` (plone.app.event's "URL not accepted" for
``event_url``).  Each went up as a 500 with the exception's text.

One adapter, more specific than restapi's by our browser layer, tries each
sent field's deserializer first (on the same fields restapi writes) and
reports those failures as field errors; the rest is restapi's own work.
restapi then raises BadRequest, so the transaction aborts: nothing is created
or half-changed.

collective.easyform registers its own deserializer for forms (it also reads
``savedDataStorage``, the rows of the saved-data actions): it gets the same
check, and the rows must have the shape that deserializer expects (action
name → row number → record), or the whole write is a 400.
"""

from AccessControl import getSecurityManager
from AccessControl import Unauthorized
from collective.easyform.interfaces import IEasyForm
from collective.easyform.serializer import DeserializeFromJson as EasyFormDeserializeFromJson
from missionplace import _
from missionplace.interfaces import IMissionPlaceLayer
from missionplace.permissions import DOWNLOAD_SAVED_INPUT
from plone.app.textfield.interfaces import IRichText
from plone.autoform.interfaces import WRITE_PERMISSIONS_KEY
from plone.dexterity.interfaces import IDexterityContent
from plone.dexterity.utils import iterSchemata
from plone.restapi.deserializer.dxcontent import DeserializeFromJson
from plone.restapi.interfaces import IDeserializeFromJson
from plone.restapi.interfaces import IFieldDeserializer
from plone.supermodel.utils import mergedTaggedValueDict
from z3c.form.interfaces import IDataManager
from zExceptions import BadRequest
from zope.component import adapter
from zope.component import queryMultiAdapter
from zope.interface import implementer
from zope.interface import Invalid
from zope.schema import getFields
from zope.schema.interfaces import ValidationError


# What field deserializers raise on a value of the wrong JSON type.
WRONG_SHAPE = (TypeError, AttributeError, LookupError)


class CheckShapes:
    """Mixed into a content deserializer: values of the wrong shape become field errors."""

    def get_schema_data(self, data, validate_all, create=False):
        data, errors = self.check_shapes(data)
        schema_data, more = super().get_schema_data(data, validate_all, create)
        return schema_data, errors + more

    def check_shapes(self, data):
        """``data`` without the values no deserializer can take, and an error for each."""
        data = dict(data)
        errors = []
        for schema in iterSchemata(self.context):
            write_permissions = mergedTaggedValueDict(schema, WRITE_PERMISSIONS_KEY)
            for name, field in getFields(schema).items():
                if field.readonly or data.get(name) is None:
                    continue  # restapi skips the first and sets the second to missing
                dm = queryMultiAdapter((self.context, field), IDataManager)
                if not dm.canWrite() or not self.check_permission(write_permissions.get(name)):
                    continue  # restapi ignores what the user may not write
                deserializer = queryMultiAdapter((field, self.context, self.request), IFieldDeserializer)
                if deserializer is None:
                    continue
                try:
                    value = deserializer(data[name])
                    if IRichText.providedBy(field) and not isinstance(getattr(value, "raw", ""), str):
                        # restapi's unescape returns a list or a number as it is: stored, it fails every read.
                        raise TypeError(name)
                except (ValueError, ValidationError):
                    continue  # restapi reports these itself (a ValidationError is an Invalid too)
                except Invalid:
                    # plone.app.event's message ("URL not accepted") has no translation.
                    message = _(
                        "error_field_not_accepted",
                        default="${field}: this value is not accepted.",
                        mapping={"field": field.title or name},
                    )
                except WRONG_SHAPE:
                    message = _(
                        "error_field_wrong_shape",
                        default="${field}: this value does not have the expected form.",
                        mapping={"field": field.title or name},
                    )
                else:
                    continue
                errors.append({"field": name, "error": "ValidationError", "message": message})
                del data[name]
        return data, errors


@implementer(IDeserializeFromJson)
@adapter(IDexterityContent, IMissionPlaceLayer)
class CheckedDeserializeFromJson(CheckShapes, DeserializeFromJson):
    """Any content item."""


def saved_rows_well_formed(storage):
    """``savedDataStorage`` as easyform's deserializer reads it: {action: {row number: {column: value}}}."""
    if not isinstance(storage, dict):
        return False
    for rows in storage.values():
        if not isinstance(rows, dict):
            return False
        for key, row in rows.items():
            if not (isinstance(key, str) and key.isdigit() and isinstance(row, dict)):
                return False
    return True


def wrong_saved_rows():
    return BadRequest(
        [
            {
                "field": "savedDataStorage",
                "error": "ValidationError",
                "message": _(
                    "error_field_wrong_shape",
                    default="${field}: this value does not have the expected form.",
                    mapping={"field": "savedDataStorage"},
                ),
            }
        ]
    )


@implementer(IDeserializeFromJson)
@adapter(IEasyForm, IMissionPlaceLayer)
class CheckedEasyFormDeserializeFromJson(CheckShapes, EasyFormDeserializeFromJson):
    """A form: the same check; saved-data rows only from who may read them, and of the expected shape."""

    def deserializeSavedData(self, data):
        if "savedDataStorage" not in data:
            return
        # The rows are what people sent through the form (account requests
        # among them): editing the form is not enough to rewrite them.
        if not getSecurityManager().checkPermission(DOWNLOAD_SAVED_INPUT, self.context):
            raise Unauthorized("savedDataStorage")
        if not saved_rows_well_formed(data["savedDataStorage"]):
            raise wrong_saved_rows()
        try:
            super().deserializeSavedData(data)
        except (TypeError, ValueError, LookupError, AttributeError) as error:
            # A row's column of the wrong type or missing; the exception aborts the whole write.
            raise wrong_saved_rows() from error
