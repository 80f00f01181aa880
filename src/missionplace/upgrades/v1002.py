"""Profile version 1002 (issue 11): where a person holds a role is indexed, not computed on every page."""

from importlib import import_module
from missionplace import logger
from missionplace.places import grants
from missionplace.review import reviewers
from missionplace.upgrades import steps
from pathlib import Path
from plone import api
from plone.app.registry.exportimport.handler import RegistryImporter
from plone.registry.interfaces import IRegistry
from Products.GenericSetup.context import DirectoryImportContext
from zope.component import getUtility


def place_grants(setup):
    """Add the ``place_grants`` index (catalog.xml) and index every place and room in it."""
    steps.import_steps(setup, "catalog")
    count = grants.reindex(api.portal.get())
    logger.info("upgrade: the local roles of %d place(s) and room(s) indexed", count)


def review_grants(setup):
    """Add the ``review_grants`` index (catalog.xml) and index every item in a reviewed state in it."""
    steps.import_steps(setup, "catalog")
    count = reviewers.reindex_pending(api.portal.get())
    logger.info("upgrade: who may review %d pending item(s) indexed", count)


def caching(setup):
    """HTTP caching for a purging proxy: the records of profiles/default/registry/caching.xml.

    Only that file is imported, not the whole registry step, which would set
    the other files' records (login throttling...) back to their defaults.
    """
    info = setup.getProfileInfo(steps.PROFILE_ID)
    # A profile registered in ZCML has an absolute path; join leaves it as it is.
    folder = Path(import_module(info["product"]).__path__[0], info["path"])
    context = DirectoryImportContext(setup, str(folder), should_purge=False)
    RegistryImporter(getUtility(IRegistry), context).importDocument(context.readDataFile("registry/caching.xml"))
    logger.info("upgrade: caching rules, anonymous-only proxy caching and purging set (registry/caching.xml)")
