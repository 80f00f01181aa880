"""Working copies and versions: how a published page is revised and its history kept.

A published page is changed through a working copy (plone.app.iterate): the
owning mission checks it out ("revise" in the policies), the copy is drafted,
submitted, rejected and approved like any page, and the readers keep seeing
the published text meanwhile.  Approving the copy checks it in: the published
page takes its text, the copy goes away and a new version (CMFEditions) is
saved with the approval comment.  Every approval of a page saves a version
the same way, so the history lists every approved text.
"""

from Acquisition import aq_base
from contextlib import contextmanager
from html import escape
from missionplace import _
from missionplace.places.ownership import owning_mission
from missionplace.workflows import policy
from plone import api
from plone.app.iterate.dexterity.utils import get_checkout_relation
from plone.app.iterate.event import CheckinEvent
from plone.app.iterate.interfaces import IBaseline
from plone.app.iterate.interfaces import ICheckinCheckoutPolicy
from plone.app.iterate.interfaces import IObjectArchiver
from plone.app.iterate.interfaces import IObjectCopier
from plone.app.iterate.interfaces import IWorkingCopy
from plone.app.iterate.permissions import CheckinPermission
from plone.app.redirector.interfaces import IRedirectionStorage
from plone.locking.interfaces import ILockable
from Products.CMFCore.WorkflowCore import ObjectDeleted
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.CMFDiffTool.libs.htmldiff import htmldiff
from Products.CMFDiffTool.utils import html_safe
from zope.annotation.interfaces import IAnnotations
from zope.component import queryUtility
from zope.event import notify
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.lifecycleevent import ObjectModifiedEvent
from zope.publisher.interfaces.browser import IBrowserRequest
import transaction


CHANGE_NOTE = "plone.app.versioningbehavior-changeNote"

FIELDS = (
    ("title", _("diff_field_title", default="Title")),
    ("description", _("diff_field_description", default="Summary")),
    ("text", _("diff_field_text", default="Text")),
)


def baseline_of(obj):
    """The published item ``obj`` is a working copy of, else None."""
    if not IWorkingCopy.providedBy(obj):
        return None
    policy = ICheckinCheckoutPolicy(obj, None)
    return policy.getBaseline() if policy is not None else None


def working_copy_of(obj):
    """The working copy of the published item ``obj``, else None."""
    if not IBaseline.providedBy(obj):
        return None
    policy = ICheckinCheckoutPolicy(obj, None)
    return policy.getWorkingCopy() if policy is not None else None


def pair(obj):
    """(baseline, working copy) of a checkout that ``obj`` is part of, else (None, None)."""
    if IWorkingCopy.providedBy(obj):
        return baseline_of(obj), obj
    if IBaseline.providedBy(obj):
        return obj, working_copy_of(obj)
    return None, None


# -- Check-out -----------------------------------------------------------------


def is_busy(obj):
    """Whether ``obj`` is itself a working copy or already has one."""
    return IWorkingCopy.providedBy(obj) or working_copy_of(obj) is not None


def checkout_refusal(obj):
    """Why the current user may not check ``obj`` out, in words for them."""
    if is_busy(obj):
        return _("error_already_revised", default="This page is already being revised in a working copy.")
    return _("error_may_not_revise", default="You may not revise this page.")


def under_policy(obj):
    """Whether one of MissionPlace's publication policies governs ``obj``."""
    workflows = api.portal.get_tool("portal_workflow").getWorkflowsFor(obj)
    return bool(workflows) and policy.by_workflow(workflows[0].getId()) is not None


def keep_mission_ownership(event):
    """The copy belongs to the baseline's mission, not to whoever checked it out.

    It keeps ``mission`` (copied with the fields), so "the owning mission" rules
    apply to it; the Owner role that pasting gives the person is taken back,
    as on creation (see ownership.record_owning_mission): whoever leaves the
    mission loses the copy with it.
    """
    baseline, copy = event.object, event.working_copy
    if owning_mission(copy) is None:
        return
    wanted = dict(getattr(aq_base(baseline), "__ac_local_roles__", None) or {})
    for principal, roles in list(copy.get_local_roles()):
        if principal not in wanted:
            copy.manage_delLocalRoles([principal])
        elif set(roles) != set(wanted[principal]):
            copy.manage_setLocalRoles(principal, list(wanted[principal]))
    copy.reindexObjectSecurity()


# -- Approval: check-in and versions ---------------------------------------------


def _approving(event):
    # Reaching a state of kind "published" (the policies') is an approval (approve, bureau_approve, restore).
    return (
        event.transition is not None
        and event.new_state is not None
        and event.new_state.getId() in policy.states_of_kind("published")
    )


def refuse_checkin_without_permission(obj, event):
    """Approving a working copy replaces the published text: the policy's "check in" says who may."""
    if not _approving(event) or not IWorkingCopy.providedBy(obj):
        return
    if api.user.has_permission(CheckinPermission, obj=obj):
        return
    transaction.doom()
    message = _(
        "error_checkin_refused",
        default="You may not approve this revised copy: approving it replaces the published text.",
    )
    raise WorkflowException(translate(message, context=getRequest()))


def approved(obj, event):
    """After an approval: check the working copy in, or save a version of the page."""
    if not _approving(event):
        return
    comment = (event.kwargs or {}).get("comment") or ""
    if IWorkingCopy.providedBy(obj):
        baseline = check_in(obj, comment)
        # Tell the workflow tool the copy is gone, so that nothing re-indexes it.
        raise ObjectDeleted(baseline)
    save_version(obj, comment)


def save_version(obj, comment):
    repository = api.portal.get_tool("portal_repository")
    if not repository.isVersionable(obj):
        return
    # The transition's guard has decided who approves; the policies give
    # "CMFEditions: Save new version" to editors only (not to a bureau).
    # Site Administrator: the narrowest role that has it in every state (policy.ADMINS).
    with api.env.adopt_roles(["Site Administrator"]):
        repository.save(obj, comment=comment)


def check_in(copy, comment):
    """Replace the baseline's text with the copy's; the copy goes away. Returns the baseline.

    Iterate's own check-in saves a version, then announces the change, which
    makes the versioning behavior save a second, blank one.  The same steps
    are taken here in the other order, so that one version is saved, with the
    approval comment.
    """
    relation = get_checkout_relation(copy)
    baseline = baseline_of(copy)
    if relation is None or baseline is None:
        raise WorkflowException(translate(_("error_no_baseline", default="The published page is gone."),
                                          context=getRequest()))  # fmt: skip
    copy_path = "/".join(copy.getPhysicalPath())
    # The workflow guard and refuse_checkin_without_permission have decided;
    # saving the version needs "Save new version" on the published page:
    # Site Administrator, the narrowest role that has it in every state (policy.ADMINS).
    with api.env.adopt_roles(["Site Administrator"]):
        notify(CheckinEvent(copy, baseline, relation, comment))
        baseline = IObjectCopier(copy).merge()
        ILockable(baseline).clear_locks()
        with change_note(comment):
            notify(ObjectModifiedEvent(baseline))
        # Types the versioning behavior does not version on every change.
        archiver = IObjectArchiver(baseline)
        if archiver.isVersionable() and (not archiver.isVersioned() or archiver.isModified()):
            archiver.save(comment)
    storage = queryUtility(IRedirectionStorage)
    if storage is not None:
        # Whoever approved from the copy's page (or bookmarked it) lands on the page.
        storage.add(copy_path, "/".join(baseline.getPhysicalPath()))
    return baseline


@contextmanager
def change_note(comment):
    """The change note the versioning behavior saves a version with, as if typed in the edit form."""
    request = getRequest()
    annotations = IAnnotations(request) if IBrowserRequest.providedBy(request) else {}
    annotations[CHANGE_NOTE] = comment
    try:
        yield
    finally:
        annotations.pop(CHANGE_NOTE, None)


# -- Differences -------------------------------------------------------------------


def _value(obj, field):
    if field == "text":
        text = getattr(aq_base(obj), "text", None)
        return getattr(text, "raw", text) or ""
    return getattr(aq_base(obj), field, None) or ""


def changes(baseline, copy):
    """[{field, label, changed, old, new, diff}] between the published text and the copy.

    ``diff`` is HTML with the removed words in ``span.delete`` and the added
    ones in ``span.insert``, sanitised like any rich text.
    """
    result = []
    for field, label in FIELDS:
        old, new = _value(baseline, field), _value(copy, field)
        if field == "text":
            diff = htmldiff(html_safe(old), html_safe(new))
        else:
            diff = htmldiff(escape(old), escape(new))
        result.append({"field": field, "label": label, "changed": old != new, "old": old, "new": new, "diff": diff})
    return result
