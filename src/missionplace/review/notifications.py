"""E-mail about the review of content in places: who is told what, when.

Submitting tells the place's Secretariat moderators; approving, rejecting,
sending back and publishing tell the editors of the owning mission (or, for
an item no mission owns, its creator).  Each message names the item, the
place, who acted, their comment, and links to the item.  Mail is queued
(see missionplace.mail), so a transition never waits for or fails with the mail
server; a message that cannot be composed is logged, never breaks the
transition.
"""

from contextlib import contextmanager
from missionplace import _
from missionplace import logger
from missionplace.mail.queue import send
from missionplace.places import roles
from missionplace.places.membership import effective_membership
from missionplace.places.membership import enclosing_place
from missionplace.places.membership import top_place
from missionplace.places.ownership import owning_mission
from plone import api
from zope.i18nmessageid import Message
import threading


TO_MODERATORS = "moderators"
TO_MISSION = "mission"
# Sent back by the bureau: the item is in the Secretariat's queue again, and
# the mission learns why its page is not published yet.
TO_BOTH = "moderators and mission"

# action id -> (who is told, subject, what happened)
MESSAGES = {
    "submit": (
        TO_MODERATORS,
        _("mail_submit_subject", default="For review: ${title}"),
        _("mail_submit_text", default="${actor} submitted “${title}” in ${place} for review."),
    ),
    "approve": (
        TO_MISSION,
        _("mail_approve_subject", default="Approved and published: ${title}"),
        _(
            "mail_approve_text",
            default="${actor} approved “${title}” in ${place}: the members of the place can now read it.",
        ),
    ),
    # Two-step review: the Secretariat's approval sends the item to the bureau, nobody reads it yet.
    "approve:pending_bureau": (
        TO_MISSION,
        _("mail_approve_to_bureau_subject", default="Approved by the Secretariat, awaiting the bureau: ${title}"),
        _(
            "mail_approve_to_bureau_text",
            default="${actor} approved “${title}” in ${place} and sent it to the Committee bureau "
            "for the final approval.",
        ),
    ),
    "bureau_approve": (
        TO_MISSION,
        _("mail_bureau_approve_subject", default="Approved by the bureau and published: ${title}"),
        _(
            "mail_bureau_approve_text",
            default="${actor} approved “${title}” in ${place} for the bureau: "
            "the members of the place can now read it.",
        ),
    ),
    "reject": (
        TO_MISSION,
        _("mail_reject_subject", default="Returned to draft: ${title}"),
        _(
            "mail_reject_text",
            default="${actor} rejected “${title}” in ${place}; it is a draft of your mission again.",
        ),
    ),
    "send_back": (
        TO_BOTH,
        _("mail_send_back_subject", default="Sent back for review: ${title}"),
        _(
            "mail_send_back_text",
            default="${actor} sent “${title}” in ${place} back to the Secretariat for another review.",
        ),
    ),
    "make_public": (
        TO_MISSION,
        _("mail_make_public_subject", default="Made public: ${title}"),
        _(
            "mail_make_public_text",
            default="${actor} made “${title}” in ${place} public: everybody can now read it, "
            "including visitors who have not logged in.",
        ),
    ),
}

BODY = _("mail_review_body", default="${what}\n\n${comment}${url}\n")
COMMENT = _("mail_review_comment", default="Comment: ${comment}\n\n")


def moderators(obj):
    """The principals who are Secretariat moderators in the place or room of ``obj``."""
    membership = effective_membership(enclosing_place(obj))
    members = membership.members if membership is not None else {}
    return sorted(principal for principal, role in members.items() if role == roles.MODERATOR)


def owners(obj):
    """The editors group of the owning mission, or the item's creator."""
    mission = owning_mission(obj)
    if mission is not None:
        return [mission.editors]
    return [obj.Creator()] if obj.Creator() else []


def recipients(obj, action):
    who = MESSAGES[action][0]
    if who == TO_BOTH:
        return moderators(obj) + owners(obj)
    return moderators(obj) if who == TO_MODERATORS else owners(obj)


def compose(obj, action, comment=""):
    """(subject, body) of ``action`` on ``obj``, as messages to translate per recipient."""
    _who, subject, what = MESSAGES[action]
    actor = api.user.get_current()
    place = top_place(obj)
    mapping = {
        "title": obj.Title() or obj.getId(),
        "place": place.Title() if place is not None else "",
        "actor": (actor.getProperty("fullname", "") or actor.getId()) if actor is not None else "",
    }
    text = Message(what, mapping=mapping)
    comment_block = Message(COMMENT, mapping={"comment": comment}) if comment else ""
    body = Message(BODY, mapping={"what": text, "comment": comment_block, "url": obj.absolute_url()})
    return Message(subject, mapping=mapping), body


_quiet = threading.local()


@contextmanager
def quiet():
    """No notifications inside: set-up work (demo content, imports, new places' forms) tells nobody."""
    previous = getattr(_quiet, "on", False)
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = previous


def notify_transition(obj, event):
    """IAfterTransitionEvent subscriber: mail the people the action concerns."""
    action = event.transition.id if event.transition is not None else None
    if event.new_state is not None and f"{action}:{event.new_state.getId()}" in MESSAGES:
        action = f"{action}:{event.new_state.getId()}"
    if action not in MESSAGES or getattr(_quiet, "on", False):
        return
    try:
        if enclosing_place(obj) is None:
            return
        comment = (event.kwargs or {}).get("comment") or (event.status or {}).get("comments") or ""
        subject, body = compose(obj, action, comment)
        send(recipients(obj, action), subject, body)
    except Exception:
        # A transition never fails because its mail could not be composed; the fault is logged.
        logger.exception("mail: could not tell about %s of %s", action, "/".join(obj.getPhysicalPath()))
