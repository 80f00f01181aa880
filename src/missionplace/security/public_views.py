"""Plone's public helper views answer only about items the visitor may view.

Zope checks the permission of what it publishes, not of the item it is
published on: Plone's helper views are public (``zope.Public``), so
``<draft>/@@plone_context_state/object_title`` gave anyone the title of a
draft and ``.../workflow_state`` its state; ``@@breadcrumbs_view``,
``@@sitemap``, ``@@contact-info``, ``@@main_template``, ``@@passwordreset``
and others showed the title too.  Rather than a list that a new view would
escape, every view (or a view's method) published by its address is
refused unless the user may view the item it is published on.
"""

from AccessControl import getSecurityManager
from AccessControl import Unauthorized
from Acquisition import aq_inner
from Acquisition import aq_parent
from missionplace.interfaces import IMissionPlaceLayer
from plone.dexterity.interfaces import IDexterityContent
from Products.CMFCore.interfaces import IContentish
from zope.publisher.interfaces.browser import IBrowserView


def _view(published):
    """The view ``published`` is, or whose method it is (``@@view/method``); None otherwise."""
    view = getattr(published, "__self__", published)
    return view if IBrowserView.providedBy(view) else None


def _item(obj):
    """The content item ``obj`` is, or is part of (a form's field, a comment's conversation...)."""
    while obj is not None and not (IContentish.providedBy(obj) or IDexterityContent.providedBy(obj)):
        obj = aq_parent(obj)
    return obj


def check_item_is_viewable(event):
    """IPubAfterTraversal: refuse a view of an item the user may not view (the login page follows)."""
    if not IMissionPlaceLayer.providedBy(event.request):
        return
    view = _view(event.request.get("PUBLISHED"))
    # Our own public views that list only what the catalog lets the user see (the elections feed).
    if view is None or getattr(view, "lists_only_what_the_user_may_see", False):
        return
    item = _item(aq_inner(getattr(view, "context", None)))
    if item is not None and not getSecurityManager().checkPermission("View", item):
        raise Unauthorized(f"{item.absolute_url()}: not viewable")
