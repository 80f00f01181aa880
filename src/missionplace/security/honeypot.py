"""collective.honeypot's field in Plone's forms, without z3c.jbot's patches.

collective.honeypot overrides plone.app.z3cform's ``macros.pt`` through z3c.jbot
to put its hidden field in every z3c.form.  z3c.jbot's patches, once loaded,
look up overrides for every template a page renders (some sixty on a member's
page, 5-10% of its time) for this one template.  They are not loaded
(``<exclude>`` in ../meta.zcml and ../dependencies.zcml); ``@@ploneform-macros``,
the view that serves the template, serves collective.honeypot's version
instead (../overrides.zcml), so forms keep the very same markup.  (Its
transform would add the field to any form without it anyway.)  Its other parts
(the field in the comment and easyform forms, the forms it protects) need no
z3c.jbot and stay its own.
"""

from collective.honeypot import plone6
from plone.app.z3cform.views import Macros
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
import os


OVERRIDES = os.path.join(os.path.dirname(plone6.__file__), "overrides")


class HoneypotMacros(Macros):
    """``@@ploneform-macros`` with collective.honeypot's version of its template (the field in every form)."""

    index = ViewPageTemplateFile("plone.app.z3cform.templates.macros.pt", _prefix=OVERRIDES)

    def __call__(self):
        return self.index()
