"""What existing sites hold by the dotted names of before the package move still loads (missionplace._moved)."""

from missionplace import forms
from missionplace.places.membership import Membership
from plone.supermodel import loadString
from ZODB import DB
from ZODB.broken import find_global
from ZODB.MappingStorage import MappingStorage
import transaction


def test_old_names_find_the_moved_classes():
    assert find_global("missionplace.membership", "Membership") is Membership


def test_a_membership_saved_under_its_old_name_loads():
    db = DB(MappingStorage())
    manager = transaction.TransactionManager()
    # Saved as the previous version saved it: from missionplace.membership.
    Membership.__module__ = "missionplace.membership"
    try:
        connection = db.open(transaction_manager=manager)
        saved = Membership()
        saved.set("mission-fra", "MissionEditor", "moderator")
        connection.root()["membership"] = saved
        manager.commit()
        connection.close()
    finally:
        Membership.__module__ = "missionplace.places.membership"
    connection = db.open(transaction_manager=manager)
    loaded = connection.root()["membership"]
    assert type(loaded) is Membership
    assert dict(loaded.members) == {"mission-fra": "MissionEditor"}
    assert loaded.grants["mission-fra-editors"] == ("MissionEditor",)
    connection.close()
    db.close()


def test_an_announce_form_saved_with_the_old_action_name_reads(portal):
    """Existing announce forms name their action missionplace.forms.announce.CreateCandidature."""
    model = forms.model("announce-candidature", "actions").replace(
        "missionplace.candiweb.announce.CreateCandidature", "missionplace.forms.announce.CreateCandidature"
    )
    schema = loadString(model).schema
    assert type(schema["create_candidature"]).__name__ == "CreateCandidature"


def test_the_forms_markers_keep_their_names():
    # Forms provide them directly: pickled, and in the catalog's object_provides.
    assert forms.IAnnounceCandidatureForm.__identifier__ == "missionplace.forms.IAnnounceCandidatureForm"
    assert forms.IAccountRequestForm.__identifier__ == "missionplace.forms.IAccountRequestForm"
