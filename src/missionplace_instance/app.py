"""The Zope root, opened in a short-lived command's own process (site, upgrade, import)."""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import system
from contextlib import contextmanager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.globalrequest import setRequest
import logging
import transaction


# The Zope administrator that site.py creates: a command acting on a site is recorded as theirs.
ADMIN = "admin"


@contextmanager
def zope_app(zope_conf):
    """Zope started from ``zope_conf``: its root with a request, as the system user.

    What the block does not commit is aborted, and the database is closed
    after it, so the server started next finds it free.
    """
    # Every new site makes MimetypesRegistry warn "Redefining mime type": noise.
    logging.getLogger("Products.MimetypesRegistry").setLevel(logging.ERROR)
    from Zope2.Startup.run import make_wsgi_app  # configures Zope: only once the command runs
    import Zope2

    make_wsgi_app({}, zope_conf)
    app = makerequest(Zope2.app())
    app.REQUEST["PARENTS"] = [app]
    setRequest(app.REQUEST)
    # A command line has no request to authenticate: whoever may run it owns the instance's files,
    # so it acts as Zope's system user, as `zconsole run` scripts do.
    newSecurityManager(None, system)
    try:
        yield app
    except BaseException:
        transaction.abort()
        raise
    finally:
        setSite(None)
        app._p_jar.close()
        Zope2.DB.close()


def open_site(app, site_id):
    """The site ``site_id`` made current, acting as Zope's administrator (else the system); None if missing."""
    if site_id not in app.objectIds():
        print(f"MissionPlace: no site {site_id!r} in this instance", flush=True)
        return None
    site = app[site_id]
    setSite(site)
    admin = app.acl_users.getUserById(ADMIN)
    newSecurityManager(None, admin.__of__(app.acl_users) if admin is not None else system)
    return site
