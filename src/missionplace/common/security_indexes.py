"""MissionPlace's security indexes: recomputed wherever Plone recomputes who may view.

CMFCore's ``reindexObjectSecurity`` (run by every workflow transition, the
Sharing page, ``plone.api``'s role grants, ownership changes and our
memberships) reindexes an object and everything below it in
``CatalogAware._cmf_security_indexes``: allowedRolesAndUsers only.  Indexes
that say who holds a role where (``place_grants``) or who may review
(``review_grants``) must follow the same changes, so their packages
``register`` them here, and common/configure.zcml sets ``INDEXES`` as that
class attribute (collective.monkeypatcher).
"""

from Products.CMFCore.CMFCatalogAware import CatalogAware
from Products.CMFCore.utils import getToolByName


_registered = []


def register(name):
    """Reindex the catalog index ``name`` whenever an object's security is reindexed."""
    if name not in _registered:
        _registered.append(name)


class _SecurityIndexes:
    """``CatalogAware._cmf_security_indexes``: CMFCore's, and the registered indexes the site's catalog has.

    Only those it has: between a code update and the upgrade step that adds an
    index, naming a missing index would make every transition fail.
    """

    base = CatalogAware._cmf_security_indexes

    def __get__(self, obj, owner=None):
        catalog = getToolByName(obj, "portal_catalog", None) if obj is not None else None
        if catalog is None or not _registered:
            return self.base
        present = set(catalog.indexes())
        return (*self.base, *(name for name in _registered if name in present))


INDEXES = _SecurityIndexes()
