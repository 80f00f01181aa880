"""Organs: the UN bodies to which elections are held, with their membership rules."""

from missionplace import _
from missionplace.candiweb.records import mark_language_independent
from plone.app.multilingual.dx import directives as multilingual
from plone.app.textfield import RichText
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from zope import schema
from zope.interface import provider


class IOrgan(model.Schema):
    """Marker and schema of organs (the ``missionplace.organ`` behavior)."""


@provider(IFormFieldProvider)
class IOrganSchema(IOrgan):
    membership_rules = RichText(
        title=_("label_membership_rules", default="Membership rules"),
        description=_("help_membership_rules", default="How many members, how they are elected, for how long."),
        required=False,
    )

    multilingual.languageindependent("candidate_kind")
    candidate_kind = schema.Choice(
        title=_("label_candidate_kind", default="Candidates are"),
        description=_(
            "help_candidate_kind",
            default="Member States stand for most organs; judicial and expert bodies elect named persons.",
        ),
        vocabulary="missionplace.candidate_kinds",
        default="state",
        required=True,
    )


mark_language_independent(IOrganSchema)
