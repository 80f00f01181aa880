"""Listings as spreadsheets: CSV and XLSX files of rows, and the page that offers them.

What missions type ends up in these files, so no value may run as a formula
(``inert``); the CSV carries a BOM so that Excel reads it as UTF-8 (Arabic and
Chinese stay legible), and an Arabic XLSX reads right to left.
"""

from io import BytesIO
from missionplace.common.languages import current_language
from missionplace.common.languages import RIGHT_TO_LEFT
from openpyxl import Workbook
from Products.Five.browser import BrowserView
from typing import ClassVar
from urllib.parse import urlencode
from zope.i18n import translate
import csv
import io


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def inert(value):
    """A text a spreadsheet shows as text: what missions type must never run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_file(header, rows):
    """The CSV file (bytes, UTF-8 with a BOM) of ``header`` and ``rows`` (lists of values; dates in ISO 8601)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                inert("" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value))
                for value in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_file(header, rows, sheet_title, right_to_left=False):
    """The XLSX workbook (bytes) of ``header`` and ``rows`` in one sheet called ``sheet_title``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]  # Excel's limit
    sheet.append(header)
    for row in rows:
        sheet.append([inert(value) for value in row])
    if right_to_left:
        sheet.sheet_view.rightToLeft = True
    data = BytesIO()
    workbook.save(data)
    return data.getvalue()


def download(response, data, filename, content_type):
    """``data`` as a file to save, never cached: a listing shows what this user may see."""
    response.setHeader("Content-Type", content_type)
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
    response.setHeader("Cache-Control", "private, no-store")
    return data


class ExportableListing(BrowserView):
    """Rows and columns, shown as a table (the page's template) or exported with ``?format=csv|xlsx``.

    A listing says its ``columns`` (the keys of its rows), their ``column_messages``
    ({key: message}) and its ``rows()``; a row's ``<key>_export`` value, when
    there is one, is exported instead of the shown one (a date, not its text).
    """

    filename = "listing"
    columns = ()
    column_messages: ClassVar[dict] = {}
    FORMATS = ("csv", "xlsx")

    def __call__(self):
        self.update()
        wanted = self.request.form.get("format")
        if wanted == "csv":
            return self.csv()
        if wanted == "xlsx":
            return self.xlsx()
        return self.index()

    def update(self):
        """Read the request before showing or exporting anything (a page's messages are drawn first)."""

    @property
    def exporting(self):
        return self.request.form.get("format") in self.FORMATS

    def t(self, message):
        return translate(message, context=self.request)

    def column_titles(self):
        return [self.t(self.column_messages[key]) for key in self.columns]

    def rows(self):
        raise NotImplementedError

    def export_values(self, row):
        return [row.get(f"{key}_export", row.get(key, "")) for key in self.columns]

    def export_url(self, wanted):
        query = {k: v for k, v in self.request.form.items() if k != "format" and isinstance(v, str)}
        query["format"] = wanted
        # A visitor's query may hold what UTF-8 cannot encode (an unpaired surrogate):
        # it is carried over as the bytes it came as, never a 500.
        return f"{self.context.absolute_url()}/@@{self.__name__}?{urlencode(query, errors='surrogatepass')}"

    def csv(self):
        data = csv_file(self.column_titles(), [self.export_values(row) for row in self.rows()])
        return download(self.request.response, data, f"{self.filename}.csv", CONTENT_TYPES["csv"])

    def xlsx(self):
        data = xlsx_file(
            self.column_titles(),
            [self.export_values(row) for row in self.rows()],
            self.filename,
            right_to_left=current_language() in RIGHT_TO_LEFT,
        )
        return download(self.request.response, data, f"{self.filename}.xlsx", CONTENT_TYPES["xlsx"])
