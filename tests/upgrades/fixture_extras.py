"""What the upgrade fixture holds beyond the demo site: run by make_fixture.py with the OLD version's Python.

    python fixture_extras.py etc/zope.conf missionplace

Uses only what every version has (Zope, plone.api, plone.app.discussion), so
that it runs against the commit the fixture is made from:

- a draft page of France in the CandiWeb place (a mission's draft, which no
  other mission may see);
- a comment by Brazil on CandiWeb's published announcement form (comments
  follow their item).
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import system
from Testing.makerequest import makerequest
from zope.globalrequest import setRequest
import os
import sys
import transaction


DRAFT = "draft-of-france"
COMMENTED = "announce-a-candidature"


def add_extras(site):
    from plone import api
    from plone.app.discussion.interfaces import IConversation
    from zope.component import createObject

    place = site["en"]["candiweb"]
    if DRAFT not in place.objectIds():
        with api.env.adopt_user(username="editor-fra"):
            api.content.create(
                container=place,
                type="Document",
                id=DRAFT,
                title="A draft of France",
                description="Only France and the moderators may see it.",
            )
    conversation = IConversation(place[COMMENTED])
    if not len(conversation):
        comment = createObject("plone.Comment")
        comment.text = "Brazil will announce its candidature soon."
        comment.author_username = "editor-bra"
        comment.creator = "editor-bra"
        conversation.addComment(comment)


def main(zope_conf, site_id):
    os.environ["MAILHOST_QUEUE_ONLY"] = "1"
    from zope.component.hooks import setSite
    from Zope2.Startup.run import make_wsgi_app
    import Zope2

    make_wsgi_app({}, zope_conf)
    app = makerequest(Zope2.app())
    setRequest(app.REQUEST)
    newSecurityManager(None, system)
    try:
        setSite(app[site_id])
        add_extras(app[site_id])
        transaction.commit()
        print("fixture extras: a draft of France, a comment of Brazil", flush=True)
    finally:
        app._p_jar.close()
        Zope2.DB.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
