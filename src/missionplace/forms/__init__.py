"""Forms of places: fields and actions shipped as XML models, applied as a place type creates them.

A place type's "forms" entries (profiles/default/placetypes.json) may name a
"model": the folder forms/<model>/ holds its ``fields.xml`` and
``actions.xml`` (collective.easyform's own model format, so a form manager can
still change them through the web afterwards).  A form marked "site": true is
open to visitors: it lives once in each language root, outside the closed
place, rather than in the place.  The forms of a new place are created when
it announces itself (``IPlaceCreated``, subscribed in configure.zcml).
"""

from AccessControl.Permission import Permission
from collective.easyform.api import get_actions
from collective.easyform.interfaces import ISaveData
from datetime import date
from missionplace import logger
from missionplace.permissions import DOWNLOAD_SAVED_INPUT
from missionplace.places.place import create_everywhere
from missionplace.places.roles import MODERATOR
from missionplace.review import notifications
from missionplace.workflows import policy
from pathlib import Path
from plone import api
from zope.interface import alsoProvides
from zope.interface import Interface
from zope.interface import provider
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IContextAwareDefaultFactory


MODELS = Path(__file__).parent


class IAnnounceCandidatureForm(Interface):
    """Marker: the "Announce a candidature" form of a CandiWeb place."""


class IAccountRequestForm(Interface):
    """Marker: the "Request an account" form, open to visitors."""


MARKERS = {"announce-candidature": IAnnounceCandidatureForm, "account-request": IAccountRequestForm}


@provider(IContextAwareDefaultFactory)
def today(context):
    return date.today()


def model(name, part):
    return (MODELS / name / f"{part}.xml").read_text(encoding="utf-8")


def apply_model(form, name):
    """Give ``form`` the fields and actions of the model ``name``."""
    form.fields_model = model(name, "fields")
    form.actions_model = model(name, "actions")
    if name in MARKERS:
        alsoProvides(form, MARKERS[name])
    # Each "Save data" action's storage is made on the first post; the first
    # posts of a burst, all making it at once, would conflict over it until
    # Zope gives up retrying.  Made now, concurrent posts only add rows.
    for _name, action in getFieldsInOrder(get_actions(form)):
        if ISaveData.providedBy(action):
            action._storage  # noqa: B018 - easyform's property creates the storage
    form.reindexObject(idxs=["object_provides"])


def _publish(form):
    workflow = api.portal.get_tool("portal_workflow")
    states = {
        state
        for chain in workflow.getChainFor(form)
        for state in (workflow[chain].states.objectIds() if chain in workflow else ())
    }
    # The state the policies call published (kind "published") that the form's workflow has.
    published = [state for state in policy.states_of_kind("published") if state in states]
    if published and api.content.get_state(form) != published[0]:
        with notifications.quiet():  # a new place's own forms: nobody to tell
            api.content.transition(obj=form, to_state=published[0])


def create_place_forms(place, event):
    """IPlaceCreated: the forms the place type names, with the fields and actions of their models, published."""
    for entry in event.place_type["forms"]:
        create_form(entry, event.places, event.roots)


def create_form(entry, places, roots):
    """Create the form ``entry`` of a place type for a new place (``places``, ``roots``: {language: folder})."""
    if not entry.get("site"):
        forms = create_everywhere(places, "EasyForm", entry)
        for form in forms.values():
            if entry.get("model"):
                apply_model(form, entry["model"])
            # Forms are there to be used: they follow the place's policy from "published".
            _publish(form)
        return forms
    if entry["id"] in roots["en"].objectIds():
        return {language: root[entry["id"]] for language, root in roots.items() if entry["id"] in root.objectIds()}
    # The language roots are the site's, not the place creator's: the form is
    # site furniture that every place of this type shares.
    with api.env.adopt_roles(["Site Administrator"]):
        forms = create_everywhere(roots, "EasyForm", entry)
        for form in forms.values():
            if entry.get("model"):
                apply_model(form, entry["model"])
            _publish(form)
            # The Secretariat follows the requests up: it reads what was saved.
            # (Set directly: easyform declares this permission in ZCML only, which
            # manage_permission does not know.)  A tuple: not acquired.
            Permission(DOWNLOAD_SAVED_INPUT, (), form).setRoles(("Manager", "Site Administrator", "Owner", MODERATOR))
    logger.info("site form %s created in the language roots", entry["id"])
    return forms
