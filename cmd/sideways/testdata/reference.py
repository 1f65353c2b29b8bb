#!/usr/bin/python3
"""The reference side of events_diff_test.go.

Usage: reference.py FILE FROM TO   (FROM and TO are RFC 3339 times)

Expands FILE with Python's recurring_ical_events over [FROM, TO), after
x_wr_timezone.to_standard(), and prints a JSON array of occurrences normalized
exactly as the test normalizes `sideways events --json --tz UTC`:

  uid            the UID ("" when missing)
  recurrence_id  null for a non-recurring event; for an instance of a series
                 (RRULE or RDATE) its original start, for an override its
                 RECURRENCE-ID
  start, end     "YYYY-MM-DD" for dates, else RFC 3339 in UTC ("…Z"); floating
                 times are read as UTC, as --tz UTC reads them
  status         confirmed | tentative | cancelled

sorted by start, uid, recurrence_id. recurring_ical_events does not mark plain
instances with a RECURRENCE-ID, so it is keep_recurrence_attributes=True that
tells an instance of a series (it keeps its RRULE or RDATE) from a single event.
"""

import datetime
import json
import sys

import icalendar
import recurring_ical_events
import x_wr_timezone


def when(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%d")


def status(event):
    s = str(event.get("STATUS", "")).strip().upper()
    if s in ("CANCELLED", "CANCELED"):
        return "cancelled"
    if s == "TENTATIVE":
        return "tentative"
    return "confirmed"


def recurring(event):
    """Whether event is an instance of a series: it has an RRULE or an RDATE
    (an empty "RRULE:", as some exporters write, is none)."""
    if "RDATE" in event:
        return True
    rules = event.get("RRULE")
    if rules is None:
        return False
    if not isinstance(rules, list):
        rules = [rules]
    return any(len(r) > 0 for r in rules)


def occurrence(event):
    start = event["DTSTART"].dt
    if "DTEND" in event:
        end = event["DTEND"].dt
    elif "DURATION" in event:
        end = start + event["DURATION"].dt
    else:
        end = start
    rid = None
    if "RECURRENCE-ID" in event:
        rid = when(event["RECURRENCE-ID"].dt)
    elif recurring(event):
        rid = when(start)
    return {
        "uid": str(event.get("UID", "")),
        "recurrence_id": rid,
        "start": when(start),
        "end": when(end),
        "status": status(event),
    }


def main():
    path, start, stop = sys.argv[1:4]
    with open(path, "rb") as f:
        data = f.read()
    # icalendar rejects a UTF-8 byte order mark, which Windows tools write;
    # sideways skips it, so the reference gets the feed without it.
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    cal = icalendar.Calendar.from_ical(data)
    cal = x_wr_timezone.to_standard(cal)
    a = datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))
    b = datetime.datetime.fromisoformat(stop.replace("Z", "+00:00"))
    events = recurring_ical_events.of(cal, keep_recurrence_attributes=True).between(a, b)
    out = [occurrence(e) for e in events]
    out.sort(key=lambda o: (o["start"], o["uid"], o["recurrence_id"] or ""))
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
