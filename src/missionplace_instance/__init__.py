"""The Zope instance that serves MissionPlace: deployment, not the add-on.

The ``missionplace-instance`` command (instance.py) writes the instance's
configuration from ``instance/*.in`` (FileStorage, or RelStorage on
PostgreSQL), creates the site (site.py) and serves it; it also imports
historical candidatures from the command line (import_candidatures.py).
The Zope root's traverser (root.py) sends visitors of ``/`` to the site.
The add-on (``missionplace``) never imports this package.
"""
