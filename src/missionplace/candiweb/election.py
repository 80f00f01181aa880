"""Elections: an organ, a session, the date, the term and the seats per regional group."""

from missionplace import _
from missionplace.candiweb.records import mark_language_independent
from missionplace.candiweb.records import related_uid
from plone.app.multilingual.dx import directives as multilingual
from plone.app.textfield import RichText
from plone.app.z3cform.widgets.select import SelectFieldWidget
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.indexer import indexer
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from zope import schema
from zope.interface import Invalid
from zope.interface import invariant
from zope.interface import provider


class IElection(model.Schema):
    """Marker and schema of elections (the ``missionplace.election`` behavior)."""


@provider(IFormFieldProvider)
class IElectionSchema(IElection):
    multilingual.languageindependent("organ", "session", "year", "election_date", "deadline", "term", "seats", "status")

    # A relation to one of the place's organs (vocabularies.records), chosen from a list.
    directives.widget("organ", SelectFieldWidget)
    organ = RelationChoice(
        title=_("label_organ", default="Organ"),
        vocabulary="missionplace.organs",
        required=True,
    )
    session = schema.TextLine(
        title=_("label_session", default="Session"),
        description=_("help_session", default="For example: 80th session."),
        required=False,
    )
    year = schema.Int(title=_("label_year", default="Year"), min=1945, max=2200, required=True)
    election_date = schema.Date(title=_("label_election_date", default="Election date"), required=False)
    deadline = schema.Date(
        title=_("label_deadline", default="Nominations close"),
        description=_("help_deadline", default="The last day on which candidatures are received."),
        required=False,
    )
    term = schema.TextLine(
        title=_("label_term", default="Term"),
        description=_("help_term", default="For example: 2027-2029."),
        required=False,
    )
    seats = schema.Dict(
        title=_("label_seats", default="Seats per regional group"),
        key_type=schema.Choice(vocabulary="missionplace.regional_groups"),
        value_type=schema.Int(min=0),
        required=False,
        default={},
    )
    status = schema.Choice(
        title=_("label_election_status", default="Status"),
        vocabulary="missionplace.election_statuses",
        default="upcoming",
        required=True,
    )
    result_notes = RichText(
        title=_("label_result_notes", default="Result notes"),
        required=False,
    )

    @invariant
    def deadline_before_election(data):
        deadline, election_date = getattr(data, "deadline", None), getattr(data, "election_date", None)
        if deadline and election_date and deadline > election_date:
            raise Invalid(
                _("error_deadline_after_election", default="Nominations must close on or before the election date.")
            )


mark_language_independent(IElectionSchema)


def total_seats(election):
    return sum((getattr(election, "seats", None) or {}).values())


@indexer(IElection)
def election_status_indexer(obj):
    return obj.status


@indexer(IElection)
def election_organ_indexer(obj):
    return related_uid(obj, "organ")


@indexer(IElection)
def election_date_indexer(obj):
    # ISO text: sorts and compares like the date, in a plain FieldIndex.
    return obj.election_date.isoformat() if obj.election_date else None
