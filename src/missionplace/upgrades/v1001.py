"""Profile version 1001 (issue 10): from a site that version 1000 created, what a new site is.

Version 1000 installed the publication policies' workflows and placeful
policies in Python; 1001 imports them from GenericSetup files that
``make policies`` writes (profiles/default/workflows/,
portal_placeful_workflow/).  The package move changed the dotted names of the
interfaces that the catalog lists under object_provides, the class of the
announce forms' action, and the module that places' memberships are stored
under.
"""

from missionplace import logger
from missionplace.interfaces import IPlace
from missionplace.places import membership
from missionplace.upgrades import steps
from missionplace.workflows import generate
from missionplace.workflows import policy
from plone import api


def policies(setup):
    """The workflows and chains from profiles/default/workflows/, then the placeful policies."""
    workflow_ids = [*generate.HAND_WRITTEN, *(found["workflow"] for found in policy.all_policies())]
    steps.replace_workflows(setup, workflow_ids)
    steps.import_steps(setup, "placeful_workflow")


def catalog(setup):
    """object_provides of the items whose interfaces moved with the package."""
    steps.reindex_moved_interfaces()


def forms(setup):
    """The announce forms' action: its class moved to CandiWeb."""
    steps.rename_in_form_models(
        "missionplace.forms.announce.CreateCandidature", "missionplace.candiweb.announce.CreateCandidature"
    )


def memberships(setup):
    """Store every place's membership again, under its class's new module (missionplace.places.membership).

    Version 1000 stored them as missionplace.membership.Membership, which
    missionplace._moved keeps loading; once every site has run this step, the
    alias can go.  A place's record names the class too (its reference to the
    membership), so the place is stored again with it.
    """
    count = 0
    for brain in api.content.find(object_provides=IPlace.__identifier__, unrestricted=True):
        place = brain._unrestrictedGetObject()
        found = membership.own_membership(place)
        if found is not None:
            found._p_changed = True
            place._p_changed = True
            count += 1
    logger.info("upgrade: %d place(s) and their memberships stored under the new module", count)
