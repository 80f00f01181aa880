"""The 1001 step that turns CandiWeb's references into relations (missionplace.upgrades.relations), on old content.

Up to 1000 an election's organ and a candidature's election held the
target's UID, and plone.app.multilingual copied an edited item's UID to its
translations as it was.  The demo site is put back in that shape (UIDs on the
objects, nothing in the relation catalog, a French candidature holding the
English election's UID, one UID whose election is gone, the catalog indexes
computed from it), then migrated: every item points to the record in its
own language, the relation catalog and link integrity know it, and the
indexes and listings answer as they did before.
"""

from Acquisition import aq_base
from missionplace.candiweb.records import related
from missionplace.upgrades import relations
from plone import api
from plone.dexterity.utils import createContentInContainer
from z3c.relationfield.interfaces import IRelationValue
from zc.relation.interfaces import ICatalog
from zope.component import getUtility
from zope.intid.interfaces import IIntIds
import logging
import pytest


FIELDS = {"Election": "organ", "Candidature": "election"}
INDEXED = ("election", "organ", "year", "election_date")
GONE = "0123456789abcdef0123456789abcdef"


def records():
    catalog = api.portal.get_tool("portal_catalog")
    return [b._unrestrictedGetObject() for b in catalog.unrestrictedSearchResults(portal_type=list(FIELDS))]


def stored_relations():
    """(source path, field, target path) of every relation the relation catalog holds for the records' fields."""
    catalog = getUtility(ICatalog)
    found = [rel for name in FIELDS.values() for rel in catalog.findRelations({"from_attribute": name})]
    return sorted((rel.from_path, rel.from_attribute, rel.to_path) for rel in found)


def indexed():
    """{path: (election, organ, year, election date)} as the catalog lists the records."""
    catalog = api.portal.get_tool("portal_catalog")
    return {
        b.getPath(): tuple(getattr(b, name) for name in INDEXED)
        for b in catalog.unrestrictedSearchResults(portal_type=list(FIELDS))
    }


def listings(portal):
    """What the CandiWeb pages list, as the moderator sees them."""
    place = portal["en"]["candiweb"]
    request = portal.REQUEST
    with api.env.adopt_user(username="moderator"):
        request.form.clear()
        elections = api.content.get_view("elections", place, request).rows()
        election = api.content.get_view("election", place["elections"]["security-council-2028-2029"], request).rows()
        request.form["mission"] = "ken"
        kenya = api.content.get_view("member-state", place, request).rows()
        request.form.clear()
        request.form["organ"] = place["organs"]["human-rights-council"].UID()
        by_organ = api.content.get_view("elections", place, request).rows()
        request.form.clear()
    return elections, election, kenya, by_organ


def to_old_shape(portal):
    """Every reference back to a UID, unknown to the relation catalog and indexed from it, as version 1000 had it."""
    relation_catalog, intids = getUtility(ICatalog), getUtility(IIntIds)
    for obj in records():
        name = FIELDS[obj.portal_type]
        for rel in list(relation_catalog.findRelations({"from_id": intids.getId(obj)})):
            relation_catalog.unindex(rel)
        setattr(obj, name, related(obj, name).UID())
    # The old copier: the French translation of an edited candidature held the English election's UID.
    english = portal["en"]["candiweb"]["elections"]["security-council-2028-2029"]
    portal["fr"]["candiweb"]["candidatures"]["ken-security-council-2028-2029"].election = english.UID()
    # A candidature whose election was deleted since.
    with api.env.adopt_roles(["Manager"]):
        orphan = createContentInContainer(
            portal["en"]["candiweb"]["candidatures"], "Candidature", title="Orphan", mission="gha"
        )
    orphan.election = GONE
    for obj in records():
        obj.reindexObject()
    return orphan


@pytest.fixture
def old_site(demo_portal):
    """The demo site in version 1000's shape: (portal, what it listed before, the orphan candidature)."""
    before = (stored_relations(), indexed(), listings(demo_portal))
    orphan = to_old_shape(demo_portal)
    assert stored_relations() == []
    assert not any(IRelationValue.providedBy(getattr(aq_base(o), FIELDS[o.portal_type])) for o in records())
    return demo_portal, before, orphan


def test_migrate_makes_relations_that_answer_as_before(old_site, caplog):
    portal, (relations_before, indexed_before, listings_before), orphan = old_site
    orphan_path = "/".join(orphan.getPhysicalPath())
    # The old shape lost the indexes and listings (the indexers read relations only).
    assert indexed() != {p: v for p, v in indexed_before.items() if p != orphan_path}
    with caplog.at_level(logging.INFO, logger="missionplace"):
        relations.migrate(portal.portal_setup)

    # Each item points to the record in its own language, also where the old copier had left another language's.
    for obj in records():
        if obj is orphan or aq_base(obj) is aq_base(orphan):
            continue
        target = related(obj, FIELDS[obj.portal_type])
        assert target is not None, obj.absolute_url()
        assert target.Language() == obj.Language(), obj.absolute_url()
    french = portal["fr"]["candiweb"]["candidatures"]["ken-security-council-2028-2029"]
    assert related(french, "election") == portal["fr"]["candiweb"]["elections"]["security-council-2028-2029"]
    # The relation catalog knows them all, and link integrity with it.
    assert stored_relations() == relations_before
    election = portal["en"]["candiweb"]["elections"]["security-council-2028-2029"]
    info = api.content.get_view("delete_confirmation_info", election, portal.REQUEST)
    sources = {
        source["url"].rsplit("/", 1)[1] for breach in info.get_breaches([election]) for source in breach["sources"]
    }
    assert "ken-security-council-2028-2029" in sources
    # Indexes and listings as before.
    after = indexed()
    assert after.pop(orphan_path) == (None, None, None, None)
    assert after == indexed_before
    assert listings(portal) == listings_before
    # The orphan: logged, its field left empty.
    assert orphan.election is None
    assert any(GONE in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert any("Candidature items done" in r.getMessage() for r in caplog.records)


def test_migrate_again_changes_nothing(old_site):
    portal = old_site[0]
    relations.migrate(portal.portal_setup)
    targets = {"/".join(o.getPhysicalPath()): getattr(aq_base(o), FIELDS[o.portal_type]) for o in records()}
    found, listed = stored_relations(), indexed()
    relations.migrate(portal.portal_setup)
    assert stored_relations() == found
    assert indexed() == listed
    # The very same relations stay on the items.
    assert {"/".join(o.getPhysicalPath()): getattr(aq_base(o), FIELDS[o.portal_type]) for o in records()} == targets
