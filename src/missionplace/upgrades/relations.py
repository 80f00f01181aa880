"""1000 → 1001: a candidature's election and an election's organ become relations.

Up to 1000 both were Choice fields holding the target's UID, read with a
catalog look-up; and plone.app.multilingual copied an edited item's UID to
its translations as it was, so a French candidature could hold the English
election's.  Now they are RelationChoice fields (z3c.relationfield): each
item gets a RelationValue to the target in its own language (where the
target has a translation in it, as plone.app.multilingual copies relations),
the relation catalog (zc.relation) learns it, which is what link integrity
asks, and the catalog indexes that read the fields are recomputed.

Idempotent: a value that already is a relation is only registered again
(the relation catalog replaces an item's relations).  A UID that leads
nowhere (its target deleted) is logged and the field left empty.
"""

from Acquisition import aq_base
from missionplace import logger
from missionplace.candiweb.election import IElection
from missionplace.candiweb.organ import IOrgan
from missionplace.candiweb.records import relation_to
from plone import api
from plone.app.multilingual.interfaces import ITranslationManager
from z3c.relationfield.event import updateRelations
from z3c.relationfield.interfaces import IRelationValue


# Elections first: a candidature's organ is indexed from its election's relation.
FIELDS = (
    ("Election", "organ", IOrgan, ["organ"]),
    ("Candidature", "election", IElection, ["election", "organ", "year", "election_date"]),
)
# Progress is logged every so many items.
STEP = 200


def migrate(context=None):
    """Convert the stored UIDs of every election and candidature (``context``: portal_setup, unused)."""
    for portal_type, name, kind, indexes in FIELDS:
        # Every record, whoever runs the upgrade: unrestricted.
        brains = api.content.find(portal_type=portal_type, unrestricted=True)
        total, converted, emptied = len(brains), 0, 0
        logger.info("Relations: %d %s items, field %r", total, portal_type, name)
        for number, brain in enumerate(brains, start=1):
            obj = brain._unrestrictedGetObject()
            value = getattr(aq_base(obj), name, None)
            if value is not None and not IRelationValue.providedBy(value):
                target = _target(value, kind, obj)
                if target is None:
                    emptied += 1
                    logger.warning("Relations: %s: its %s %r is gone; left empty", brain.getPath(), name, value)
                setattr(obj, name, relation_to(target) if target is not None else None)
                converted += 1
            updateRelations(obj, None)
            obj.reindexObject(idxs=indexes)
            if number % STEP == 0:
                logger.info("Relations: %d of %d %s items", number, total, portal_type)
        logger.info("Relations: %d %s items done, %d converted, %d left empty", total, portal_type, converted, emptied)


def _target(uid, kind, obj):
    """The record of ``kind`` with ``uid``, in ``obj``'s language when it has a translation in it."""
    if not isinstance(uid, str):
        return None
    found = api.content.find(UID=uid, unrestricted=True)
    target = found[0]._unrestrictedGetObject() if found else None
    if not kind.providedBy(target):
        return None
    language = getattr(aq_base(obj), "language", None)
    if not language:
        return target
    return ITranslationManager(target).get_translation(language) or target
