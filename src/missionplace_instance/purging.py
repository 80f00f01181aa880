"""Purge this instance's caching proxies, named by its environment, not by the shared database.

plone.cachepurging sends its PURGE requests to the proxies listed in the
registry (``cachingProxies``), which lives in the database that every instance
of a cluster shares.  Which Varnish an instance purges is the instance's own
setting (on several machines, each may have its own in front of it), so
writing it there at each start would make the instances overwrite each other
(and commit at every start).  The profile therefore turns purging on with no
proxy listed (profiles/default/registry/caching.xml), and each instance adds
the proxies of its MISSIONPLACE_CACHE_PROXY (comma-separated URLs, e.g.
``http://127.0.0.1:8080``) to the paths plone.cachepurging has collected
during the request.  Proxies an administrator lists in the caching control
panel are still purged by plone.cachepurging itself.
"""

from plone.cachepurging.hooks import KEY
from plone.cachepurging.interfaces import ICachePurgingSettings
from plone.cachepurging.interfaces import IPurger
from plone.cachepurging.utils import getURLsToPurge
from plone.cachepurging.utils import isCachePurgingEnabled
from plone.registry.interfaces import IRegistry
from zope.annotation.interfaces import IAnnotations
from zope.component import adapter
from zope.component import queryUtility
from ZPublisher.interfaces import IPubSuccess
import os


VARIABLE = "MISSIONPLACE_CACHE_PROXY"


def proxies():
    """The caching proxies of this instance: MISSIONPLACE_CACHE_PROXY's URLs."""
    return [url.strip().rstrip("/") for url in os.environ.get(VARIABLE, "").split(",") if url.strip()]


@adapter(IPubSuccess)
def purge(event):
    """After a request that changed purgeable content: PURGE its paths on this instance's proxies."""
    own = proxies()
    if not own:
        return
    annotations = IAnnotations(event.request, None)
    paths = annotations.get(KEY) if annotations is not None else None
    registry = queryUtility(IRegistry)
    purger = queryUtility(IPurger)
    if not paths or registry is None or purger is None or not isCachePurgingEnabled(registry=registry):
        return
    listed = {url.rstrip("/") for url in registry.forInterface(ICachePurgingSettings, check=False).cachingProxies or ()}
    own = [url for url in own if url not in listed]
    for path in paths:
        for url in getURLsToPurge(path, own):
            purger.purgeAsync(url)
