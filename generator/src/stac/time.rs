//! Times for STAC: CF calendar dates as RFC 3339 UTC strings, and which calendars ISO 8601
//! (the proleptic Gregorian calendar) can express exactly.

use almanac_model::TimeExtent;

/// True when the dates of `time` are ISO 8601 dates: the proleptic Gregorian calendar, or the
/// standard (mixed Julian/Gregorian) calendar from its Gregorian start, 1582-10-15, on.
pub fn is_iso(time: &TimeExtent) -> bool {
    match time.calendar.as_str() {
        "proleptic_gregorian" => true,
        "standard" | "gregorian" => {
            time.start.as_str() >= "1582-10-15" && !time.start.starts_with('-')
        }
        _ => false,
    }
}

/// A CF calendar date (`1860-06-01T00:00:00`) as an RFC 3339 UTC timestamp
/// (`1860-06-01T00:00:00Z`). Days that the Gregorian month does not have (30 February in a
/// 360-day calendar, 29 February of a non-leap year) become the month's last day. `None` for
/// years RFC 3339 cannot write (before 0000 or after 9999) and for text that is not a date.
pub fn rfc3339(date: &str) -> Option<String> {
    let (day_part, time_part) = date.split_once('T').unwrap_or((date, "00:00:00"));
    let mut fields = day_part.splitn(3, '-');
    let year_text = fields.next()?;
    if year_text.len() != 4 {
        return None;
    }
    let year: u32 = year_text.parse().ok()?;
    let month: u32 = fields.next()?.parse().ok()?;
    let day: u32 = fields.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let day = day.min(days_in_month(year, month));
    let time_part = time_part.trim_end_matches('Z');
    let valid_time = time_part.len() >= 8
        && time_part
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.');
    if !valid_time {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}T{time_part}Z"))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extent(calendar: &str, start: &str) -> TimeExtent {
        TimeExtent {
            start: start.into(),
            end: start.into(),
            calendar: calendar.into(),
            units: "days since 1850-01-01".into(),
            step: None,
        }
    }

    #[test]
    fn calendars() {
        assert!(is_iso(&extent("standard", "1850-01-16T12:00:00")));
        assert!(is_iso(&extent(
            "proleptic_gregorian",
            "0001-01-01T00:00:00"
        )));
        assert!(!is_iso(&extent("standard", "1000-01-01T00:00:00")));
        for calendar in ["noleap", "all_leap", "360_day", "julian"] {
            assert!(
                !is_iso(&extent(calendar, "2000-01-01T00:00:00")),
                "{calendar}"
            );
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            rfc3339("1860-06-01T00:00:00").as_deref(),
            Some("1860-06-01T00:00:00Z")
        );
        assert_eq!(
            rfc3339("2001-02-30T12:00:00").as_deref(),
            Some("2001-02-28T12:00:00Z")
        );
        assert_eq!(
            rfc3339("2000-02-30T00:00:00.5").as_deref(),
            Some("2000-02-29T00:00:00.5Z")
        );
        assert_eq!(
            rfc3339("1999-12-31").as_deref(),
            Some("1999-12-31T00:00:00Z")
        );
        assert_eq!(rfc3339("-0001-01-01T00:00:00"), None);
        assert_eq!(rfc3339("12000-01-01T00:00:00"), None);
        assert_eq!(rfc3339("soon"), None);
    }
}
