"""Who may look up whom: people are listed only to those who share a place with them.

Every way Plone lists people (the principal vocabularies behind REST's
``@vocabularies`` and Classic UI's ``@@getVocabulary``, the Sharing page's
search, author pages, the member search) goes through ``visible()``:

- the anonymous visitor sees nobody;
- Secretariat moderators and site administrators see everybody (they manage
  places and staff);
- anyone else sees the people and groups of the places (and rooms with their
  own members) they take part in, themselves, and, as a mission focal point,
  their own mission's staff.

A place's membership names missions (their groups) and individual people; a
mission stands for its three groups and their members.  The answer is
computed once per request from the memberships (one catalog query, one
dictionary per place) and the group tool.
"""

from missionplace.interfaces import IPlace
from missionplace.missions import mission as missions
from missionplace.places.membership import own_membership
from missionplace.places.roles import SECRETARIAT_MODERATORS
from pathlib import Path
from plone import api
from plone.app.users.browser.membersearch import MemberSearchForm
from plone.app.users.vocabularies import GroupIdVocabularyFactory
from plone.app.vocabularies import principals
from plone.app.vocabularies.principals import PrincipalsVocabulary
from plone.app.workflow.browser.sharing import SharingView
from Products.CMFPlone.browser import author
from Products.CMFPlone.browser.author import AuthorView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.globalrequest import getRequest
from zope.interface import implementer
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleVocabulary
import inspect


# Groups every authenticated person is in: they say nothing about shared places.
VIRTUAL_GROUPS = frozenset({"AuthenticatedUsers"})
CACHE_KEY = "missionplace.security.people"


class Visible:
    """The user ids and group ids one person may see; ``everybody`` for moderators and administrators."""

    def __init__(self, users=(), groups=(), everybody=False):
        self.users = frozenset(users)
        self.groups = frozenset(groups)
        self.everybody = everybody

    def user(self, user_id):
        return self.everybody or user_id in self.users

    def group(self, group_id):
        return self.everybody or group_id in self.groups

    def principal(self, principal_id):
        """A user or group id, or a vocabulary's prefixed ``user:id`` / ``group:id``."""
        kind, _, principal = (principal_id or "").partition(":")
        if kind == "user" and principal:
            return self.user(principal)
        if kind == "group" and principal:
            return self.group(principal)
        return self.user(principal_id) or self.group(principal_id)


NOBODY = Visible()


def sees_everybody(user):
    """Secretariat moderators and site administrators."""
    if user is None or not user.getId():
        return False
    portal = api.portal.get()
    roles = api.user.get_roles(user=user, obj=portal)
    return (
        "Manager" in roles
        or "Site Administrator" in roles
        or SECRETARIAT_MODERATORS in (user.getGroups() or ())
        or api.user.has_permission("Manage portal", user=user, obj=portal)
    )


def memberships():
    """Every distinct membership of the site's places and rooms (translations share one)."""
    found = {}
    # Unrestricted: a member's places are those they belong to, whether or not they see them all now.
    for brain in api.content.find(object_provides=IPlace, unrestricted=True):
        membership = own_membership(brain._unrestrictedGetObject())
        if membership is not None:
            found.setdefault(id(membership), membership)
    return list(found.values())


def _expand(groups_tool, group_ids, all_groups):
    """The users in ``group_ids`` and their nested groups."""
    users, todo, seen = set(), list(group_ids), set()
    while todo:
        group_id = todo.pop()
        if group_id in seen:
            continue
        seen.add(group_id)
        for member in groups_tool.getGroupMembers(group_id) or ():
            (todo.append if member in all_groups else users.add)(member)
    return users


def compute(user):
    """The ``Visible`` of ``user`` (uncached; see ``visible``)."""
    # The anonymous visitor (Zope's special user) has no id.
    if user is None or not user.getId():
        return NOBODY
    if sees_everybody(user):
        return Visible(everybody=True)
    user_id = user.getId()
    own = {user_id} | (set(user.getGroups() or ()) - VIRTUAL_GROUPS)
    groups_tool = api.portal.get_tool("portal_groups")
    all_groups = set(groups_tool.getGroupIds())
    people, groups = {user_id}, set()
    for membership in memberships():
        if not own.intersection(membership.members):
            continue
        for principal in membership.members:
            mission = missions.of_group(principal)
            if mission is not None:
                groups.update((mission.id, mission.editors, mission.focal_points))
            elif principal in all_groups:
                groups.add(principal)
            else:
                people.add(principal)
    # A focal point manages their mission's staff, in a place or not.
    for mission in missions.of_user(user, missions.FOCAL_POINT):
        groups.update((mission.id, mission.editors, mission.focal_points))
    groups -= VIRTUAL_GROUPS
    people |= _expand(groups_tool, groups, all_groups)
    return Visible(people, groups)


def visible(user=None):
    """Who the current user (or ``user``) may see, computed once per request."""
    current = user is None
    user = api.user.get_current() if current else user
    request = getRequest()
    key = (CACHE_KEY, getattr(user, "getId", lambda: None)())
    if current and request is not None:
        cached = request.other.get(key[0])
        if cached is not None and cached[0] == key[1]:
            return cached[1]
    found = compute(user)
    if current and request is not None:
        request.other[key[0]] = (key[1], found)
    return found


# -- Vocabularies ---------------------------------------------------------------------------------


class VisiblePrincipalsVocabulary(PrincipalsVocabulary):
    """plone.app.vocabularies' principals vocabulary that finds only visible principals.

    Its look-ups by value or token (which reach into the user folder for saved
    values) answer only for visible principals too: otherwise ``?token=`` would
    tell who exists, with their full name.
    """

    def _get_principal_from_source(self, value=None, token=None, default=None):
        principal = super()._get_principal_from_source(value=value, token=token, default=default)
        if principal is None or principal is default:
            return principal
        allowed = visible()
        if principal.isGroup():
            return principal if allowed.group(principal.getId()) else default
        return principal if allowed.user(principal.getId()) else default


def _accepts_query(factory):
    try:
        return "query" in inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False


@implementer(IVocabularyFactory)
class FilteredFactory:
    """Wraps a vocabulary factory of Plone: the same terms, only those the user may see.

    ``kind``: what the vocabulary's values are ("user", "group" or "principal",
    the last possibly prefixed ``user:``/``group:``).
    """

    def __init__(self, original, kind):
        self.original = original
        self.kind = kind
        self.query = _accepts_query(original)

    def __call__(self, context, query=""):
        vocabulary = self.original(context, query) if query and self.query else self.original(context)
        allowed = visible()
        if allowed.everybody:
            return vocabulary
        check = {"user": allowed.user, "group": allowed.group}.get(self.kind, allowed.principal)
        terms = [term for term in vocabulary if check(str(term.value))]
        if isinstance(vocabulary, PrincipalsVocabulary):
            filtered = VisiblePrincipalsVocabulary(terms)
            filtered.principal_source = vocabulary.principal_source
            return filtered
        return SimpleVocabulary(terms)


# Plone's factories, under the names they are registered with (overrides.zcml registers these instead).
FACTORIES = {
    "plone.app.vocabularies.Principals": FilteredFactory(principals.PrincipalsFactory(), "principal"),
    "plone.app.vocabularies.Users": FilteredFactory(principals.UsersFactory(), "user"),
    "plone.app.vocabularies.Groups": FilteredFactory(principals.GroupsFactory(), "group"),
    "plone.app.users.group_ids": FilteredFactory(GroupIdVocabularyFactory, "group"),
}
PrincipalsFactory = FACTORIES["plone.app.vocabularies.Principals"]
UsersFactory = FACTORIES["plone.app.vocabularies.Users"]
GroupsFactory = FACTORIES["plone.app.vocabularies.Groups"]
GroupIdsFactory = FACTORIES["plone.app.users.group_ids"]


# -- Pages ----------------------------------------------------------------------------------------


class FilteredSharingView(SharingView):
    """The Sharing page (and REST ``@sharing?search=``): search finds only visible people and groups."""

    def user_search_results(self):
        allowed = visible()
        return [entry for entry in super().user_search_results() if allowed.user(entry["id"])]

    def group_search_results(self):
        allowed = visible()
        return [entry for entry in super().group_search_results() if allowed.group(entry["id"])]


class FilteredAuthorView(AuthorView):
    """``/author/<id>``: members only, and only for people they may see.

    An invisible person is answered exactly as an unknown one (404), so the
    page does not tell who has an account.
    """

    # Plone's own page; ZCML's template= would look for it next to this module.
    index = ViewPageTemplateFile(str(Path(author.__file__).parent / "templates" / "author.pt"))

    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized("author")
        if self.username and (not visible().user(self.username) or api.user.get(userid=self.username) is None):
            raise NotFound(self.username)
        return super().__call__()


class FilteredMemberSearch(MemberSearchForm):
    """``@@member-search``: only the people the searcher may see."""

    @property
    def results(self):
        allowed = visible()
        return [entry for entry in super().results if allowed.user(entry.get("userid") or entry.get("id"))]
