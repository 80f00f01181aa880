"""The Zope root, opened in a short-lived command's own process (site, upgrade, import)."""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import system
from contextlib import contextmanager
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.globalrequest import setRequest
import logging
import transaction


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
