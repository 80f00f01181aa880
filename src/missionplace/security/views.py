"""Upstream views that answered hostile parameters with a 500: each replaced by a subclass that says 400 or 404.

- plone.distribution's ``@sites/<name>``: an unknown name raised the
  ``ValueError`` of ``distribution.get`` (the service expects None).
- plone.app.content's ``ValidAddableTypes`` vocabulary assumes its context is
  the constrain-types form's adapter; through ``@vocabularies`` it is content
  (``AttributeError: context``).
- plone.app.workflow's sharing page (``@@updateSharingInfo``) reads
  ``entries`` as records with ``id`` and ``type`` and ``search_term`` as a text;
  and its macro wrapper does not define what the table's rows use (``icons``,
  ``can_view_groups``, ``portal_url``): a ``NameError`` as soon as a row shows.
- CMFEditions' ``versions_history_form`` retrieves ``version_id`` as given.
- collective.easyform's serializer checks a permission by its id.
- Our own ``@@candiweb-macros`` holds macros and is not a page.
"""

from AccessControl import getSecurityManager
from collective.easyform.interfaces import IEasyForm
from collective.easyform.serializer import SerializeToJson as EasyFormSerializer
from html import escape
from missionplace import _
from missionplace.interfaces import IMissionPlaceLayer
from missionplace.permissions import DOWNLOAD_SAVED_INPUT
from missionplace.review.history import PolicyVersionsHistoryForm
from missionplace.security.people import FilteredSharingView
from plone.app.content.browser.constraintypes import ValidTypes
from plone.base.interfaces.constrains import ISelectableConstrainTypes
from plone.distribution.services.sites.get import SitesGet
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeToJson as DXContentToJson
from plone.restapi.services.users.add import UsersPost
from plone.restapi.services.users.update import UsersPatch
from Products.CMFCore.interfaces import IContentish
from Products.CMFCore.interfaces import ISiteRoot
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.component import adapter
from zope.i18n import translate
from zope.interface import implementer
from zope.schema.vocabulary import SimpleVocabulary


def bad_request(request, message, exception=BadRequest):
    return exception(translate(message, context=request))


class KnownSitesGet(SitesGet):
    """``@sites/<name>``: an unknown distribution is a 400, as the service meant (its check for None)."""

    def reply(self):
        try:
            return super().reply()
        except ValueError:
            raise bad_request(
                self.request, _("error_no_distribution", default="There is no such distribution.")
            ) from None


class OneUserPatch(UsersPatch):
    """``PATCH @users/<id>``: no id, or more than one, is a 400 (restapi raised a bare Exception)."""

    @property
    def _get_user_id(self):
        if len(self.params) != 1:
            raise bad_request(self.request, _("error_one_user_id", default="Name exactly one user: @users/<id>."))
        return self.params[0]

    def reply(self):
        # An unknown account failed on its roles (500); only who manages users
        # hears it is unknown: the others keep restapi's 403 for any account.
        if self._get_user(self._get_user_id) is None and getSecurityManager().checkPermission(
            "Manage users", self.context
        ):
            raise NotFound(self._get_user_id)
        return super().reply()


class OneUserPost(UsersPost):
    """``POST @users`` or ``@users/<id>/reset-password``; anything else is a 400, not restapi's bare Exception."""

    def reply(self):
        if self.params and not (len(self.params) == 2 and self.params[1] == "reset-password"):
            raise bad_request(
                self.request,
                _("error_users_post", default="Post to @users to add a user, or to @users/<id>/reset-password."),
            )
        return super().reply()


class ContentValidTypes(ValidTypes):
    """The types addable here, from content as well as from the constrain-types form."""

    def __call__(self, context):
        if IContentish.providedBy(context) or ISiteRoot.providedBy(context):  # not the form's adapter
            context = ISelectableConstrainTypes(context, None)
            if context is None:
                return SimpleVocabulary([])
            return super().__call__(type("Form", (), {"context": context})())
        return super().__call__(context)


ContentValidTypesFactory = ContentValidTypes()


class CheckedSharingView(FilteredSharingView):
    """The sharing page: entries are records naming a user or a group, the search a text."""

    # The table alone, refreshed by the page's search, with what the page defines around it.
    macro_wrapper = ViewPageTemplateFile("templates/sharing_macro_wrapper.pt")

    def check_form(self):
        form = self.request.form
        message = _("error_sharing_form", default="The sharing form was not filled in as this page sends it.")
        if not isinstance(form.get("search_term", ""), str):
            raise bad_request(self.request, message, BadPageInput)
        entries = form.get("entries", [])
        if not isinstance(entries, list):
            raise bad_request(self.request, message, BadPageInput)
        for entry in entries:
            if not (
                hasattr(entry, "keys") and isinstance(entry.get("id"), str) and entry.get("type") in ("user", "group")
            ):
                raise bad_request(self.request, message, BadPageInput)

    def __call__(self):
        self.check_form()
        return super().__call__()

    def updateSharingInfo(self, search_term=""):
        self.check_form()
        return super().updateSharingInfo(search_term)


class CheckedVersionsHistoryForm(PolicyVersionsHistoryForm):
    """The history page (missionplace.review.history's): ``version_id`` is a version number."""

    def __call__(self):
        version_id = self.request.form.get("version_id")
        if version_id not in (None, "") and not (isinstance(version_id, str) and version_id.isdigit()):
            raise bad_request(
                self.request,
                _("error_version_id", default="The version asked for is not a version number."),
                BadPageInput,
            )
        return self.index()


@implementer(ISerializeToJson)
@adapter(IEasyForm, IMissionPlaceLayer)
class EasyFormToJson(EasyFormSerializer):
    """A form over REST: its saved data to who may download it.

    collective.easyform asks plone.api with the permission's id, where plone.api
    wants its title: for anyone without the permission, reading the form was a
    500 ("Cannot find a permission").
    """

    def __call__(self, version=None, include_items=True):
        result = DXContentToJson.__call__(self, version, include_items)
        if getSecurityManager().checkPermission(DOWNLOAD_SAVED_INPUT, self.context):
            self.serializeSavedData(result)
        return result


class BadPageInput(BadRequest):
    """A page's bad parameters: 400, and the message shown (Plone's error page hides it)."""


class BadPageInputView:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        self.request.response.setStatus(400, lock=True)
        self.request.response.setHeader("Content-Type", "text/html; charset=utf-8")
        language = escape(self.request.get("LANGUAGE", "") or "")
        message = escape(str(self.context))
        return f'<!DOCTYPE html><html lang="{language}"><body><main><p role="alert">{message}</p></main></body></html>'


class MacrosOnly(BrowserView):
    """Macros for other templates (``context/@@candiweb-macros/macros``); not a page of its own."""

    def __call__(self):
        raise NotFound("candiweb-macros")
