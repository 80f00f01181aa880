"""What upgrade steps do again and again: re-import a step of the profile, replace workflows, reindex.

Each helper logs what it did, which ``missionplace-instance upgrade`` shows.
"""

from missionplace import logger
from plone import api
from zope.dottedname.resolve import resolve
from zope.interface.interfaces import IInterface


PROFILE_ID = "profile-missionplace:default"


def import_steps(setup, *steps):
    """Re-import ``steps`` of missionplace:default from its files, without their dependencies."""
    for step in steps:
        setup.runImportStepFromProfile(PROFILE_ID, step, run_dependencies=False, purge_old=False)
        logger.info("upgrade: re-imported the %r step of missionplace:default", step)


def replace_workflows(setup, workflow_ids):
    """Make ``workflow_ids`` exactly what profiles/default/workflows/ defines, then update role mappings.

    GenericSetup's workflow import only adds to an existing workflow (a state
    or permission the file no longer has would stay), so each is removed first
    and imported anew.  Content keeps its state: the workflow history is kept
    on the content, under the workflow's id.
    """
    tool = api.portal.get_tool("portal_workflow")
    present = [workflow_id for workflow_id in workflow_ids if workflow_id in tool.objectIds()]
    if present:
        tool.manage_delObjects(present)
    import_steps(setup, "workflow")
    missing = [workflow_id for workflow_id in workflow_ids if workflow_id not in tool.objectIds()]
    if missing:
        raise ValueError(f"profiles/default/workflows.xml does not define {missing}")
    logger.info("upgrade: workflows %s replaced from profiles/default", ", ".join(workflow_ids))
    update_role_mappings()


def update_role_mappings():
    """Apply every workflow's permissions to the content, comments included, and reindex who may see it."""
    tool = api.portal.get_tool("portal_workflow")
    count = tool.updateRoleMappings()
    # Comments live in their item's conversation, which updateRoleMappings does not walk.
    comments = 0
    # Every comment and item, whoever runs the upgrade: unrestricted.
    for brain in api.content.find(portal_type="Discussion Item", unrestricted=True):
        comment = brain._unrestrictedGetObject()
        changed = False
        for workflow in tool.getWorkflowsFor(comment):
            changed = workflow.updateRoleMappingsFor(comment) or changed
        if changed:
            comment.reindexObject(idxs=["allowedRolesAndUsers", "review_state"])
            comments += 1
    logger.info("upgrade: role mappings updated on %d item(s) and %d comment(s)", count, comments)


def _names_an_interface(identifier):
    try:
        found = resolve(identifier)
    except (ImportError, AttributeError):
        return False
    return IInterface.providedBy(found) and found.__identifier__ == identifier


def reindex_moved_interfaces(prefix="missionplace."):
    """Reindex ``object_provides`` of whatever the catalog lists under an interface name that no longer exists.

    The catalog keeps the dotted names of the interfaces an item provided when
    it was indexed; an interface that moved to another module leaves its old
    name there, and searches by the new name miss the item.
    """
    catalog = api.portal.get_tool("portal_catalog")
    stale = sorted(
        identifier
        for identifier in catalog.Indexes["object_provides"].uniqueValues()
        if identifier.startswith(prefix) and not _names_an_interface(identifier)
    )
    if not stale:
        return 0
    brains = api.content.find(object_provides=stale, unrestricted=True)
    for brain in brains:
        brain._unrestrictedGetObject().reindexObject(idxs=["object_provides"])
    logger.info("upgrade: object_provides reindexed on %d item(s) for %s", len(brains), ", ".join(stale))
    return len(brains)


def rename_in_form_models(old, new):
    """Replace the dotted name ``old`` by ``new`` in the stored field and action models of every form."""
    changed = 0
    for brain in api.content.find(portal_type="EasyForm", unrestricted=True):
        form = brain._unrestrictedGetObject()
        for attribute in ("fields_model", "actions_model"):
            text = getattr(form, attribute, None) or ""
            if old in text:
                setattr(form, attribute, text.replace(old, new))
                changed += 1
    logger.info("upgrade: %s renamed %s in %d form model(s)", old, new, changed)
    return changed
