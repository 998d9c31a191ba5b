//! iCalendar (RFC 5545) documents: a carer's rota as a feed their phone's calendar
//! subscribes to. Times are written in UTC (`…Z`), so the calendar app shows them in
//! the reader's own zone and no DST rule has to travel with the feed.

use time::{OffsetDateTime, UtcOffset, macros::format_description};

/// One event in a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Stable across feeds, so an updated shift replaces the old one in the calendar.
    pub uid: String,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub summary: String,
    pub location: String,
    pub description: String,
}

/// A whole `VCALENDAR` with `events`, stamped `now`.
pub fn calendar(name: &str, events: &[Event], now: OffsetDateTime) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold_into(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//CareTrack Pro//Rota//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    // Calendar apps poll subscribed feeds; ask for hourly.
    line("REFRESH-INTERVAL;VALUE=DURATION:PT1H".into());
    line("X-PUBLISHED-TTL:PT1H".into());
    for event in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&event.uid)));
        line(format!("DTSTAMP:{}", utc(now)));
        line(format!("DTSTART:{}", utc(event.start)));
        line(format!("DTEND:{}", utc(event.end)));
        line(format!("SUMMARY:{}", escape(&event.summary)));
        if !event.location.is_empty() {
            line(format!("LOCATION:{}", escape(&event.location)));
        }
        if !event.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&event.description)));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// `20261125T080000Z`.
fn utc(instant: OffsetDateTime) -> String {
    instant
        .to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("the format only uses fields every instant has")
}

/// TEXT values escape backslashes, semicolons, commas and line breaks (RFC 5545 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so no line is longer than 75 octets (a fold is
/// CRLF and a space, never inside a UTF-8 character), ending with CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn shift(summary: &str) -> Event {
        Event {
            uid: "shift-1@caretrack".into(),
            // 08:00 London in summer time is 07:00 UTC.
            start: datetime!(2026-07-01 08:00 +1),
            end: datetime!(2026-07-01 20:00 +1),
            summary: summary.into(),
            location: "Maple Court, SW1".into(),
            description: "With Jo; bring the keys\nCode 1234".into(),
        }
    }

    #[test]
    fn events_are_written_in_utc_with_text_escaped() {
        let text = calendar(
            "Sam's rota",
            &[shift("Day shift")],
            datetime!(2026-06-01 12:00 UTC),
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("\r\nDTSTART:20260701T070000Z\r\n"));
        assert!(text.contains("\r\nDTEND:20260701T190000Z\r\n"));
        assert!(text.contains("\r\nDTSTAMP:20260601T120000Z\r\n"));
        assert!(text.contains("\r\nLOCATION:Maple Court\\, SW1\r\n"));
        assert!(text.contains("\r\nDESCRIPTION:With Jo\\; bring the keys\\nCode 1234\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let summary = "Night shift at Ty Newydd — ".repeat(6);
        let text = calendar("Rota", &[shift(&summary)], datetime!(2026-06-01 12:00 UTC));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{summary}")));
    }
}
