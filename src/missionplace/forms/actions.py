"""What MissionPlace's easyform action types share: each is registered as a factory and as a model handler."""

from collective.easyform.actions import ActionFactory
from plone.supermodel.exportimport import BaseHandler


# Who may add one of our actions to a form in easyform's action editor.
ADD_PERMISSION = "cmf.ManagePortal"


def action_type(klass, title):
    """(factory, handler) of the action class ``klass``, for ZCML to register under its dotted name.

    The factory lists the action as ``title`` in easyform's action editor; the
    handler reads and writes it in a form's actions model (fields.xml's sibling).
    """
    return ActionFactory(klass, title, ADD_PERMISSION), BaseHandler(klass)
