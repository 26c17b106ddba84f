"""A candidate's deadlines as an iCalendar file (RFC 5545), written with ``icalendar``.

Each deadline is an all-day event on its date (deadlines are inclusive local dates,
see ``app.applications.deadlines``), with a reminder the day before. Its UID is
stable (``kind-application@host``), so a calendar that imports the file again updates
the event instead of adding a copy. No HTTP, no database: the caller gives the texts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

PRODUCT_ID = "-//eCésure//Échéances//FR"
MEDIA_TYPE = "text/calendar"


@dataclass(frozen=True)
class Deadline:
    uid: str
    day: date
    title: str
    description: str
    url: str


def deadlines_calendar(
    deadlines: Iterable[Deadline], *, name: str, stamp: datetime, reminder: str
) -> bytes:
    """The calendar file. ``stamp`` (DTSTAMP) is when the file was made, in UTC;
    ``reminder`` is the text of the alarm shown the day before each deadline."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for deadline in deadlines:
        event = Event()
        event.add("uid", deadline.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.day)
        event.add("dtend", deadline.day + timedelta(days=1))
        event.add("summary", deadline.title)
        event.add("description", deadline.description)
        event.add("url", deadline.url)
        event.add("transp", "TRANSPARENT")  # a deadline does not make the day busy
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder)
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
