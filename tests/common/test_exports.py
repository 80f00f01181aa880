"""Exports (CSV, XLSX) and calendars (iCal) that every listing shares: common/exports.py, common/ical.py."""

from datetime import date
from datetime import datetime
from datetime import UTC
from io import BytesIO
from missionplace.common import exports
from missionplace.common import ical
from missionplace.common.dates import format_date
from openpyxl import load_workbook
from openpyxl import Workbook
import csv
import icalendar
import io


def test_exports_never_run_what_missions_type_as_a_formula():
    inert = exports.inert
    assert inert('=HYPERLINK("http://example.org","Click")') == '\'=HYPERLINK("http://example.org","Click")'
    assert inert("+1") == "'+1"
    assert inert("France") == "France"
    assert inert(3) == 3
    book = Workbook()
    book.active.append([inert("=1+1")])
    data = BytesIO()
    book.save(data)
    cell = load_workbook(BytesIO(data.getvalue())).active["A1"]
    assert cell.data_type == "s"
    assert cell.value == "'=1+1"


ROWS = [["مجلس الأمن", date(2027, 6, 8), 5, None], ["=cmd|' /C calc'!A0", None, 0, "中国"]]


def test_csv_file_is_utf8_for_excel_with_dates_in_iso_and_no_formulas():
    data = exports.csv_file(["Election", "Date", "Seats", "State"], ROWS)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed == [
        ["Election", "Date", "Seats", "State"],
        ["مجلس الأمن", "2027-06-08", "5", ""],
        ["'=cmd|' /C calc'!A0", "", "0", "中国"],
    ]


def test_xlsx_file_keeps_types_reads_right_to_left_when_asked_and_runs_nothing():
    sheet = load_workbook(BytesIO(exports.xlsx_file(["A", "B", "C", "D"], ROWS, "x" * 40, right_to_left=True))).active
    assert sheet.title == "x" * 31  # Excel's longest sheet name
    assert sheet.sheet_view.rightToLeft
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["A", "B", "C", "D"]
    assert values[1][0] == "مجلس الأمن"
    assert values[1][1].date() == date(2027, 6, 8)
    assert values[1][2] == 5
    assert values[2][0] == "'=cmd|' /C calc'!A0"
    left = load_workbook(BytesIO(exports.xlsx_file(["A"], [], "left"))).active
    assert not left.sheet_view.rightToLeft


class Response:
    def __init__(self):
        self.headers = {}

    def setHeader(self, name, value):  # Zope's name
        self.headers[name] = value


def test_download_is_an_attachment_never_cached():
    response = Response()
    assert exports.download(response, b"data", "elections.csv", exports.CONTENT_TYPES["csv"]) == b"data"
    assert response.headers == {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="elections.csv"',
        "Cache-Control": "private, no-store",
    }


def test_calendar_of_all_day_events():
    calendar = ical.calendar("CandiWeb elections", "CandiWeb")
    stamp = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    ical.add_day(calendar, "uid-1@host", "Security Council", date(2027, 6, 8), "http://x/sc", ["election"], stamp)
    response = Response()
    data = ical.download(response, calendar, "elections.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="elections.ics"'
    parsed = icalendar.Calendar.from_ical(data)
    assert str(parsed["prodid"]) == "-//MissionPlace//CandiWeb//EN"
    assert str(parsed["x-wr-calname"]) == "CandiWeb elections"
    (event,) = parsed.walk("VEVENT")
    assert str(event["uid"]) == "uid-1@host"
    assert event.decoded("dtstart") == date(2027, 6, 8)
    assert event.decoded("dtend") == date(2027, 6, 9)  # all day: the end is the next day, excluded
    assert event.decoded("dtstamp") == stamp
    assert str(event["url"]) == "http://x/sc"
    assert [str(c) for c in event["categories"].cats] == ["election"]


def test_dates_in_each_language():
    day = date(2027, 6, 8)
    assert format_date(day, "en") == "June 8, 2027"
    assert format_date(day, "fr") == "8 juin 2027"
    assert format_date(day, "zh") == "2027年6月8日"
    assert format_date(day, "xx") == "2027-06-08"  # a language CLDR does not know
    assert format_date(None, "fr") == ""
