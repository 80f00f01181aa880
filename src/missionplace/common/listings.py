"""The filters of a listing: what a request asks for, checked, as a catalog query.

A listing (the review queue, "our work", CandiWeb's elections and
candidatures) declares its filters; ``read`` takes their values from the
request's form and refuses what it cannot apply with a ListingError that tells
the user why, in their language (a page shows it, a REST service answers 400);
``query`` turns what was read into catalog query terms.  A listing that
filters rows it already holds (the queues: their filters offer the values of
the unfiltered rows) applies the same filters with ``keep``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from missionplace import _
from missionplace.common.languages import OFFICIAL_LANGUAGES
from missionplace.common.rest import BadInput
from plone import api
from typing import Any
from zope.i18nmessageid import Message


class ListingError(BadInput):
    """A filter or sort that cannot be applied; ``args[0]`` says why (a message to translate)."""


SORT_ORDERS = ("ascending", "descending")


@dataclass(frozen=True)
class Filter:
    """One filter of a listing: its request parameter, the values it takes, what it queries."""

    name: str
    # Whether a value can be applied (None: any value); ``error`` says why not,
    # a message whose ``${<name>}`` is the value refused.
    accepts: Callable[[str], bool] | None = None
    error: Message | None = None
    # The catalog index it queries, and the index's value for a value (default: the value itself).
    index: str | None = None
    term: Callable[[str], Any] | None = None
    # The key of the rows it compares with, for a listing that filters rows (``keep``).
    field: str | None = None
    # The value when the request does not name the filter; an empty value given is no filter.
    default: str = ""

    def __post_init__(self):
        if self.accepts is not None and self.error is None:
            raise TypeError(f"filter {self.name}: say why a value is refused (error)")


# Whether a code is a Member State's is the missions' business, a layer above:
# each listing gives ``accepts`` (mission_filter), the message is shared.
NO_SUCH_MISSION = _("error_listing_mission", default="No such mission: ${mission}.")

LANGUAGE = Filter(
    "language",
    accepts=OFFICIAL_LANGUAGES.__contains__,
    error=_("error_listing_language", default="No such language: ${language}."),
    index="Language",
    field="language",
)


def _is_type(name):
    return api.portal.get_tool("portal_types").getTypeInfo(name) is not None


TYPE = Filter(
    "type",
    accepts=_is_type,
    error=_("error_listing_type", default="No such content type: ${type}."),
    index="portal_type",
    field="portal_type",
)


def mission_filter(accepts):
    """The filter of the Member State (``mission``: its code) of a row; ``accepts`` says which codes are missions."""
    return Filter("mission", accepts=accepts, error=NO_SUCH_MISSION, index="mission", field="mission")


def read(form, filters, sort_keys=(), strict=False):
    """{name: value} of ``filters`` in the request ``form``, checked; empty values are left out.

    With ``sort_keys``, ``sort_on`` (one of them) and ``sort_order`` (ascending
    or descending) are read too.  ``strict``: any other parameter is refused
    (the Python API; a page's form holds more than its filters).
    Raises ListingError.
    """
    names = [found.name for found in filters] + (["sort_on", "sort_order"] if sort_keys else [])
    if strict:
        unknown = sorted(set(form) - set(names))
        if unknown:
            raise ListingError(
                _("error_listing_parameter", default="Unknown parameter: ${name}.", mapping={"name": unknown[0]})
            )
    defaults = {found.name: found.default for found in filters}
    values = {}
    for name in names:
        value = form.get(name, defaults.get(name, ""))
        # A parameter given twice comes as a list.
        if not isinstance(value or "", str):
            raise ListingError(
                _("error_listing_parameter_twice", default="Give ${name} only once.", mapping={"name": name})
            )
        if value:
            values[name] = value
    if "sort_on" in values and values["sort_on"] not in sort_keys:
        raise ListingError(
            _(
                "error_listing_sort",
                default="Cannot sort by ${name}: choose one of ${choices}.",
                mapping={"name": values["sort_on"], "choices": ", ".join(sort_keys)},
            )
        )
    if values.get("sort_order", SORT_ORDERS[0]) not in SORT_ORDERS:
        raise ListingError(_("error_listing_sort_order", default="The sort order is ascending or descending."))
    for found in filters:
        value = values.get(found.name)
        if value and found.accepts is not None and not found.accepts(value):
            raise ListingError(Message(found.error, mapping={found.name: value}))
    return values


def query(filters, values):
    """The catalog query terms of the ``values`` of ``filters`` (those that name an index)."""
    return {
        found.index: found.term(values[found.name]) if found.term else values[found.name]
        for found in filters
        if found.index and found.name in values
    }


def keep(rows, filters, values):
    """The ``rows`` (dicts) whose fields equal the ``values`` of ``filters`` (those that name a field)."""
    wanted = {found.field: values[found.name] for found in filters if found.field and found.name in values}
    return [row for row in rows if all(row.get(field) == value for field, value in wanted.items())]


# Batching: a listing of hundreds of rows shows one page of them.
BATCH_SIZE = 50
LARGEST_BATCH = 500


def _whole(value, default):
    if value in ("", None):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def batch(form, default_size=BATCH_SIZE):
    """(start, size) of the page of rows asked for by ``b_start`` and ``b_size``, checked; raises ListingError."""
    start = _whole(form.get("b_start"), 0)
    if start is None or start < 0:
        raise ListingError(_("error_listing_batch_start", default="b_start must be a whole number, 0 or more."))
    size = _whole(form.get("b_size"), default_size)
    if size is None or not 1 <= size <= LARGEST_BATCH:
        raise ListingError(
            _(
                "error_listing_batch_size",
                default="b_size must be a whole number from 1 to ${most}.",
                mapping={"most": LARGEST_BATCH},
            )
        )
    return start, size
