"""Calendars (iCalendar, RFC 5545) that calendar programs subscribe to: all-day events of a listing."""

from datetime import datetime
from datetime import timedelta
from icalendar import Calendar
from icalendar import Event


CONTENT_TYPE = "text/calendar; charset=utf-8"


def calendar(name, product):
    """An empty calendar called ``name`` (shown by calendar programs), made by MissionPlace's ``product``."""
    found = Calendar()
    found.add("prodid", f"-//MissionPlace//{product}//EN")
    found.add("version", "2.0")
    found.add("x-wr-calname", name)
    return found


def add_day(calendar, uid, summary, day, url, categories=(), stamp=None):
    """Add the all-day event of ``day`` to ``calendar``; ``uid`` stays the same from one download to the next."""
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("dtstamp", stamp or datetime.now().astimezone())
    event.add("url", url)
    if categories:
        event.add("categories", list(categories))
    calendar.add_component(event)
    return event


def download(response, calendar, filename):
    """The calendar as the file ``filename`` (.ics)."""
    response.setHeader("Content-Type", CONTENT_TYPE)
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
    return calendar.to_ical()
