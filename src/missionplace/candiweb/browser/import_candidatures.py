"""``@@import-candidatures``: a moderator uploads historical candidatures into a CandiWeb place."""

from AccessControl import Unauthorized
from missionplace import _
from missionplace.candiweb import importer
from missionplace.candiweb.records import is_secretariat
from missionplace.candiweb.records import PLACE_TYPE
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five import BrowserView
from zope.i18n import translate


class ImportCandidaturesView(BrowserView):
    errors = ()
    created = ()

    def __call__(self):
        if getattr(self.context, "place_type", None) != PLACE_TYPE or not is_secretariat(self.context):
            raise Unauthorized("import-candidatures")
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self.handle()
        return self.index()

    def handle(self):
        upload = self.request.form.get("file")
        data = upload.read() if hasattr(upload, "read") else b""
        if not data:
            self.errors = [self._(_("import_error_no_file", default="Choose the CSV file to import."))]
            return
        try:
            self.created = importer.import_candidatures(self.context, data)
        except importer.ImportRefused as refused:
            self.errors = [self._(error) for error in refused.errors]
            return
        api.portal.show_message(
            _(
                "import_done",
                default="${count} candidatures imported and published.",
                mapping={"count": len(self.created)},
            ),
            request=self.request,
        )

    def _(self, message):
        return translate(message, context=self.request)

    def columns(self):
        return ("mission", "election", "organ", "year", "candidate_name", "regional_group", "date_announced", "status")
