"""A listing's filters (common/listings.py): read from a request's form, checked, as a catalog query or on rows."""

from missionplace.common import listings
from zope.i18n import translate
import pytest


COLOUR = listings.Filter(
    "colour",
    accepts={"red", "blue"}.__contains__,
    error="No such colour: ${colour}.",
    index="colour_index",
    term=str.upper,
    field="colour",
    default="red",
)
SIZE = listings.Filter("size", field="size")
FILTERS = (COLOUR, SIZE)


def message(error):
    return translate(error.value.args[0])


def test_read_takes_defaults_and_leaves_out_empty_values():
    assert listings.read({}, FILTERS) == {"colour": "red"}
    # An empty value given is no filter: "All".
    assert listings.read({"colour": "", "size": ""}, FILTERS) == {}
    assert listings.read({"colour": "blue", "size": "L", "format": "csv"}, FILTERS) == {"colour": "blue", "size": "L"}


def test_read_refuses_what_cannot_be_applied_and_says_why():
    with pytest.raises(listings.ListingError) as error:
        listings.read({"colour": "green"}, FILTERS)
    assert message(error) == "No such colour: green."
    with pytest.raises(listings.ListingError) as error:
        listings.read({"size": ["L", "M"]}, FILTERS)
    assert message(error) == "Give size only once."
    # Strict (the Python API): a parameter no filter names is refused; a page's form holds more.
    with pytest.raises(listings.ListingError) as error:
        listings.read({"format": "csv"}, FILTERS, strict=True)
    assert message(error) == "Unknown parameter: format."


def test_read_checks_sorting():
    keys = ("title", "date")
    assert listings.read({"sort_on": "date", "sort_order": "descending"}, FILTERS, keys) == {
        "colour": "red",
        "sort_on": "date",
        "sort_order": "descending",
    }
    with pytest.raises(listings.ListingError) as error:
        listings.read({"sort_on": "password"}, FILTERS, keys)
    assert message(error) == "Cannot sort by password: choose one of title, date."
    with pytest.raises(listings.ListingError) as error:
        listings.read({"sort_order": "sideways"}, FILTERS, keys)
    assert message(error) == "The sort order is ascending or descending."
    # A listing that does not sort takes no sort parameters.
    with pytest.raises(listings.ListingError):
        listings.read({"sort_on": "title"}, FILTERS, strict=True)


def test_query_and_keep():
    values = listings.read({"colour": "blue", "size": "L"}, FILTERS)
    # Only filters that name an index query the catalog, with their terms.
    assert listings.query(FILTERS, values) == {"colour_index": "BLUE"}
    rows = [{"colour": "blue", "size": "L"}, {"colour": "blue", "size": "S"}, {"colour": "red", "size": "L"}]
    assert listings.keep(rows, FILTERS, values) == [rows[0]]
    assert listings.keep(rows, FILTERS, {}) == rows


def test_a_filter_that_refuses_says_why():
    with pytest.raises(TypeError):
        listings.Filter("colour", accepts=bool)


def test_the_shared_filters(portal):
    # Of the six languages and the site's types, in the catalog's indexes.
    assert listings.read({"language": "fr", "type": "Document"}, (listings.LANGUAGE, listings.TYPE)) == {
        "language": "fr",
        "type": "Document",
    }
    assert listings.query((listings.LANGUAGE, listings.TYPE), {"language": "fr", "type": "Document"}) == {
        "Language": "fr",
        "portal_type": "Document",
    }
    for form, text in (
        ({"language": "de"}, "No such language: de."),
        ({"type": "Nope"}, "No such content type: Nope."),
    ):
        with pytest.raises(listings.ListingError) as error:
            listings.read(form, (listings.LANGUAGE, listings.TYPE))
        assert message(error) == text
    missions = listings.mission_filter({"fra"}.__contains__)
    assert listings.query((missions,), listings.read({"mission": "fra"}, (missions,))) == {"mission": "fra"}
    with pytest.raises(listings.ListingError) as error:
        listings.read({"mission": "xyz"}, (missions,))
    assert message(error) == "No such mission: xyz."
