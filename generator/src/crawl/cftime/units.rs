//! CF time units (`<unit> since <reference date-time>`), parsed with cftime's spellings.

use super::{Calendar, DateTime, MICROS_PER_DAY, MICROS_PER_SECOND};

/// CF time units: `<unit> since <reference date-time>`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Units {
    pub unit: Unit,
    /// The reference date-time as written (local time of `utc_offset_minutes`).
    pub epoch: DateTime,
    /// The time zone of the reference, e.g. 330 for `+05:30`; decoding subtracts it in the
    /// calendar, as cftime does.
    pub utc_offset_minutes: i32,
}

/// The `<unit>` of CF time units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Microseconds,
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
    Days,
    /// udunits has weeks; cftime (and so xarray) does not decode them.
    Weeks,
    /// 30 days; cftime decodes them only in the `360_day` calendar.
    Months,
    /// udunits has years; cftime does not decode them in any calendar.
    Years,
    /// `common_years`: 365 days; cftime decodes them only in the `noleap` calendar.
    CommonYears,
}

impl Unit {
    /// cftime's spellings (after lowercasing), plus weeks and years so they can be reported.
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "microseconds" | "microsecond" | "microsec" | "microsecs" => Self::Microseconds,
            "milliseconds" | "millisecond" | "millisec" | "millisecs" | "msec" | "msecs" | "ms" => {
                Self::Milliseconds
            }
            "seconds" | "second" | "sec" | "secs" | "s" => Self::Seconds,
            "minutes" | "minute" | "min" | "mins" => Self::Minutes,
            "hours" | "hour" | "hr" | "hrs" | "h" => Self::Hours,
            "days" | "day" | "d" => Self::Days,
            "weeks" | "week" => Self::Weeks,
            "months" | "month" => Self::Months,
            "years" | "year" => Self::Years,
            "common_years" | "common_year" => Self::CommonYears,
            _ => return None,
        })
    }

    /// Microseconds per unit in `calendar`, or why cftime refuses the unit there.
    pub(super) fn micros(self, calendar: Calendar) -> Result<i64, String> {
        match (self, calendar) {
            (Self::Microseconds, _) => Ok(1),
            (Self::Milliseconds, _) => Ok(1000),
            (Self::Seconds, _) => Ok(MICROS_PER_SECOND),
            (Self::Minutes, _) => Ok(60 * MICROS_PER_SECOND),
            (Self::Hours, _) => Ok(3600 * MICROS_PER_SECOND),
            (Self::Days, _) => Ok(MICROS_PER_DAY),
            (Self::Months, Calendar::Day360) => Ok(30 * MICROS_PER_DAY),
            (Self::CommonYears, Calendar::NoLeap) => Ok(365 * MICROS_PER_DAY),
            (Self::Months, _) => {
                Err("cftime decodes 'months since' only in the 360_day calendar".into())
            }
            (Self::CommonYears, _) => {
                Err("cftime decodes 'common_years since' only in the noleap calendar".into())
            }
            (Self::Weeks | Self::Years, _) => Err(format!("cftime does not decode {self:?} since")),
        }
    }
}

/// Parses `days since 1850-01-01`, `hours since 1970-01-01 00:00:00`, `seconds since
/// 1970-01-01T00:00:00Z`, `minutes since 2000-1-1 6:00`, `hours since 1970-01-01 00:00 +05:30` and
/// every other form cftime accepts (see the module documentation for its quirks).
///
/// # Errors
///
/// When cftime would reject the text whatever the calendar: no `since`, an unknown unit, or a
/// reference date-time it cannot parse or that is out of range (month 13, 24:00, …).
pub fn parse_units(text: &str) -> Result<Units, String> {
    // Python's `text.split(None, 2)`: two words, then the rest.
    let mut rest = text.trim_start();
    let mut words = [""; 2];
    for word in &mut words {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        *word = &rest[..end];
        rest = rest[end..].trim_start();
    }
    let [unit, since] = words;
    if rest.is_empty() {
        return Err(format!("time units {text:?} are not `<unit> since <date>`"));
    }
    if since.to_lowercase() != "since" {
        return Err(format!("no 'since' in time units {text:?}"));
    }
    let unit =
        Unit::parse(&unit.to_lowercase()).ok_or_else(|| format!("unknown time unit {unit:?}"))?;
    let (epoch, utc_offset_minutes) = parse_reference(rest.trim())?;
    Ok(Units {
        unit,
        epoch,
        utc_offset_minutes,
    })
}

/// cftime's `ISO8601_REGEX.match`, by hand. The regex is a prefix match in which everything after
/// the day is optional, so each part is taken greedily if it matches and skipped if not.
fn parse_reference(text: &str) -> Result<(DateTime, i32), String> {
    let s: Vec<char> = text.chars().collect();
    let bad = |what: &str| format!("cannot parse reference date-time {text:?}: {what}");
    let sign = usize::from(matches!(s.first(), Some('+' | '-')));
    let year_end = digits_end(&s, sign, usize::MAX);
    if year_end == sign {
        return Err(bad("no year"));
    }
    let year = number(&s[..year_end])
        .filter(|year| i32::try_from(*year).is_ok())
        .ok_or_else(|| bad("year out of range"))?;
    let mut pos = year_end;
    let mut date_part = || {
        let end = digits_end(&s, pos + 1, 2);
        (s.get(pos) == Some(&'-') && end > pos + 1).then(|| {
            let value = number(&s[pos + 1..end]);
            pos = end;
            value
        })
    };
    let (Some(Some(month)), Some(Some(day))) = (date_part(), date_part()) else {
        return Err(bad("no month or day"));
    };
    let (mut hour, mut minute, mut second, mut micros) = (0, 0, 0, 0);
    if let Some(time) = parse_time(&s, pos) {
        (pos, hour, minute, second, micros) = time;
    }
    let zone = |at: usize| parse_zone(&s, at);
    let separator = s.get(pos).is_some_and(|&c| c != '\n');
    let offset = separator
        .then(|| zone(pos + 1))
        .flatten()
        .or_else(|| zone(pos))
        .unwrap_or(0);
    let field = |value: i64| u32::try_from(value).unwrap_or(u32::MAX);
    let epoch = DateTime {
        year,
        month: field(month),
        day: field(day),
        hour: field(hour),
        minute: field(minute),
        second: second as f64 + micros as f64 / 1e6,
    };
    if !epoch.fields_in_range() {
        return Err(bad("field out of range"));
    }
    Ok((epoch, offset))
}

/// The end of a run of at most `max` ASCII digits starting at `start`.
fn digits_end(s: &[char], start: usize, max: usize) -> usize {
    let count = s
        .iter()
        .skip(start)
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    start + count
}

fn number(chars: &[char]) -> Option<i64> {
    chars.iter().collect::<String>().parse().ok()
}

/// `(?P<separator1>.)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{1,2})(:(?P<second>[0-9]{1,2})(\.(?P<fraction>[0-9]+))?)?`
fn parse_time(s: &[char], pos: usize) -> Option<(usize, i64, i64, i64, i64)> {
    if s.get(pos).is_none_or(|&c| c == '\n') {
        return None;
    }
    let start = pos + 1;
    // `[0-9]{1,2}:` backtracks from two digits to one to find the colon.
    let hour_end = (start + 1..=digits_end(s, start, 2))
        .rev()
        .find(|&end| s.get(end) == Some(&':'))?;
    let minute_end = digits_end(s, hour_end + 1, 2);
    if minute_end == hour_end + 1 {
        return None;
    }
    let (hour, minute) = (
        number(&s[start..hour_end])?,
        number(&s[hour_end + 1..minute_end])?,
    );
    let (mut end, mut second, mut micros) = (minute_end, 0, 0);
    let second_end = digits_end(s, end + 1, 2);
    if s.get(end) == Some(&':') && second_end > end + 1 {
        second = number(&s[end + 1..second_end])?;
        end = second_end;
        let fraction_end = digits_end(s, end + 1, usize::MAX);
        if s.get(end) == Some(&'.') && fraction_end > end + 1 {
            // int(float("0.<digits>") * 1e6): truncation after a correctly rounded parse.
            let digits: String = s[end + 1..fraction_end].iter().collect();
            micros = (format!("0.{digits}").parse::<f64>().ok()? * 1e6) as i64;
            end = fraction_end;
        }
    }
    Some((end, hour, minute, second, micros))
}

/// `Z|([-+])([0-9]{2})((:([0-9]{2}))|([0-9]{2}))?` at `pos`, as minutes east of UTC.
fn parse_zone(s: &[char], pos: usize) -> Option<i32> {
    let sign = match s.get(pos)? {
        'Z' => return Some(0),
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let two = |at: usize| {
        (digits_end(s, at, 2) == at + 2)
            .then(|| number(&s[at..at + 2]))
            .flatten()
    };
    let hours = two(pos + 1)?;
    let minutes = if s.get(pos + 3) == Some(&':') {
        two(pos + 4)
    } else {
        None
    };
    let minutes = minutes.or_else(|| two(pos + 3)).unwrap_or(0);
    Some(sign * (hours * 60 + minutes) as i32)
}
