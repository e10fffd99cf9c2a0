//! CF time decoding for the crawl stage: parses the `units` and `calendar` attributes of a time
//! coordinate and decodes its values exactly as cftime's `num2date` does (what xarray uses for
//! the non-standard calendars and falls back to for the others), so that the temporal extent we
//! report is the one a user sees after `xr.open_zarr`.
//!
//! The reference is cftime 1.6.6.1 on x86-64; `tests/fixtures/cftime/make_cases.py` records its
//! answers in `cases.json`, which the tests below replay. Behaviour of cftime mirrored on purpose,
//! even where it surprises:
//!
//! - Units: only cftime's spellings (`days`, `day`, `d`, `hours`, `hrs`, `hr`, `h`, `min`, `s`,
//!   `sec`, `ms`, `msec`, `microsec`, …). `us` is not one of them, and `weeks` and `years` are
//!   rejected by cftime in every calendar: they parse here (so callers can name them) but do not
//!   decode. `months` decode only in `360_day` (30 days), `common_years` only in `noleap` (365 days).
//! - Reference dates are matched by a prefix regex: trailing text (`UTC`, `Z junk`) is ignored, an
//!   hour without minutes (`1970-01-01 12`) is dropped, a one-digit zone hour (`-6:00`) is ignored,
//!   and any character may separate date and time (`1970-01-01-06:00` is 06:00, not a zone).
//!   Fractional seconds are truncated to microseconds through `float("0.<digits>") * 1e6`.
//! - A zone offset is subtracted in the calendar itself, so `days since 2000-03-01 +01:00` starts
//!   on 2000-02-29T23:00 in `standard`, 2000-02-28T23:00 in `noleap` and 2000-02-30T23:00 in
//!   `360_day`.
//! - Year zero: `standard`/`gregorian` and `julian` have none (1 BC is year -1, a reference year 0
//!   is an error); `proleptic_gregorian` and the idealized calendars have one (ISO 8601 numbering).
//!   The `standard` calendar is Julian up to 1582-10-04 and Gregorian from 1582-10-15 on; dates in
//!   between are errors as reference dates.
//! - Values are multiplied by the unit in microseconds in `numpy.longdouble` (80-bit on x86-64,
//!   64-bit mantissa), rounded half to even, and then snapped to the whole second when that lands
//!   1 µs beside one (except for `ms` and `µs` units): 1.0000007 seconds decodes to 00:00:01,
//!   and so does 1e-6 seconds to 00:00:00. NaN and infinite values, and products outside the i64
//!   range, are errors.
//!
//! xarray itself (2026.9) decodes `standard` and `proleptic_gregorian` values with pandas when
//! the dates fit, and then differs from cftime below the microsecond (it keeps nanoseconds), in
//! reference-date parsing (pandas reads `1970-01-01 12` as noon, honours `-6:00`, accepts
//! `days since 1850`) and by leaving units alone unless `since` is lower-case. We follow cftime,
//! which xarray uses for every other calendar and whenever pandas cannot.

use std::fmt;

mod units;

pub use units::{Unit, Units, parse_units};

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;
/// Julian day number of 1582-10-15, the first Gregorian day of the `standard` calendar.
const GREGORIAN_START_JDN: i64 = 2_299_161;
/// Julian day number of 1970-01-01 (Gregorian).
const UNIX_EPOCH_JDN: i64 = 2_440_588;
const DAYS_BEFORE_MONTH: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const DAYS_BEFORE_MONTH_LEAP: [i64; 13] =
    [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

/// A CF calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Calendar {
    /// `standard`/`gregorian`: Julian before 1582-10-15, Gregorian from then on; no year zero.
    Standard,
    /// `proleptic_gregorian`: Gregorian throughout, with a year zero.
    ProlepticGregorian,
    /// `noleap`/`365_day`.
    NoLeap,
    /// `all_leap`/`366_day`.
    AllLeap,
    /// `360_day`: twelve months of 30 days.
    Day360,
    /// `julian`: no year zero.
    Julian,
}

impl Calendar {
    /// Parses a CF `calendar` attribute (case-insensitive; absent → Standard is the caller's
    /// choice). `None` for unknown names, including cftime's `tai`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_lowercase().as_str() {
            "standard" | "gregorian" => Some(Self::Standard),
            "proleptic_gregorian" => Some(Self::ProlepticGregorian),
            "noleap" | "365_day" => Some(Self::NoLeap),
            "all_leap" | "366_day" => Some(Self::AllLeap),
            "360_day" => Some(Self::Day360),
            "julian" => Some(Self::Julian),
            _ => None,
        }
    }

    /// The canonical CF name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::ProlepticGregorian => "proleptic_gregorian",
            Self::NoLeap => "noleap",
            Self::AllLeap => "all_leap",
            Self::Day360 => "360_day",
            Self::Julian => "julian",
        }
    }

    fn has_year_zero(self) -> bool {
        !matches!(self, Self::Standard | Self::Julian)
    }

    /// The year with 1 BC as 0 (years here are numbered as cftime numbers them).
    fn astronomical(self, year: i64) -> i64 {
        if year < 0 && !self.has_year_zero() {
            year + 1
        } else {
            year
        }
    }

    fn is_leap(self, year: i64) -> bool {
        let gregorian = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        match self {
            Self::ProlepticGregorian => gregorian(year),
            // cftime switches the leap rule by year: 1582 itself is common either way.
            Self::Standard if year > 1581 => gregorian(year),
            Self::Standard | Self::Julian => self.astronomical(year).rem_euclid(4) == 0,
            Self::NoLeap | Self::Day360 => false,
            Self::AllLeap => true,
        }
    }

    fn month_length(self, year: i64, month: u32) -> u32 {
        let m = month as usize;
        let table = if self.is_leap(year) {
            &DAYS_BEFORE_MONTH_LEAP
        } else {
            &DAYS_BEFORE_MONTH
        };
        match self {
            Self::Day360 => 30,
            _ => (table[m] - table[m - 1]) as u32,
        }
    }

    /// A day count: the Julian day number for the real-world calendars, days since 0000-01-01
    /// for the idealized ones. The date must be valid.
    fn day_number(self, year: i64, month: u32, day: u32) -> i64 {
        let (m, d) = (i64::from(month), i64::from(day));
        match self {
            Self::NoLeap => year * 365 + DAYS_BEFORE_MONTH[month as usize - 1] + d - 1,
            Self::AllLeap => year * 366 + DAYS_BEFORE_MONTH_LEAP[month as usize - 1] + d - 1,
            Self::Day360 => year * 360 + (m - 1) * 30 + d - 1,
            Self::ProlepticGregorian => gregorian_jdn(year, m, d),
            Self::Julian => julian_jdn(self.astronomical(year), m, d),
            Self::Standard if (year, month, day) >= (1582, 10, 15) => gregorian_jdn(year, m, d),
            Self::Standard => julian_jdn(self.astronomical(year), m, d),
        }
    }

    fn date(self, number: i64) -> (i64, u32, u32) {
        let month_of = |day_of_year: i64, table: &[i64; 13]| {
            let month = table
                .iter()
                .rposition(|&before| before <= day_of_year)
                .unwrap_or(0);
            (month as u32 + 1, (day_of_year - table[month] + 1) as u32)
        };
        match self {
            Self::NoLeap => {
                let (month, day) = month_of(number.rem_euclid(365), &DAYS_BEFORE_MONTH);
                (number.div_euclid(365), month, day)
            }
            Self::AllLeap => {
                let (month, day) = month_of(number.rem_euclid(366), &DAYS_BEFORE_MONTH_LEAP);
                (number.div_euclid(366), month, day)
            }
            Self::Day360 => {
                let day_of_year = number.rem_euclid(360);
                (
                    number.div_euclid(360),
                    (day_of_year / 30 + 1) as u32,
                    (day_of_year % 30 + 1) as u32,
                )
            }
            Self::ProlepticGregorian => gregorian_date(number),
            Self::Standard if number >= GREGORIAN_START_JDN => gregorian_date(number),
            Self::Standard | Self::Julian => {
                let (year, month, day) = julian_date(number);
                (if year <= 0 { year - 1 } else { year }, month, day)
            }
        }
    }

    /// Checks a reference date the way cftime's `datetime` constructor does.
    fn check_date(self, date: &DateTime) -> Result<(), String> {
        let (year, month, day) = (date.year, date.month, date.day);
        if !date.fields_in_range() {
            return Err(format!("{date} is not a valid date-time"));
        }
        if year == 0 && !self.has_year_zero() {
            return Err(format!(
                "year zero does not exist in the {} calendar",
                self.name()
            ));
        }
        if day > self.month_length(year, month) {
            return Err(format!(
                "{year}-{month:02}-{day:02} does not exist in the {} calendar",
                self.name()
            ));
        }
        if self == Self::Standard && year == 1582 && month == 10 && (5..15).contains(&day) {
            return Err(format!(
                "1582-10-{day:02} is not in the mixed Julian/Gregorian calendar"
            ));
        }
        Ok(())
    }
}

/// Howard Hinnant's `days_from_civil`, shifted to Julian day numbers; astronomical years.
fn gregorian_jdn(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468 + UNIX_EPOCH_JDN
}

fn gregorian_date(jdn: i64) -> (i64, u32, u32) {
    let z = jdn - UNIX_EPOCH_JDN + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Julian calendar day number; astronomical years.
fn julian_jdn(year: i64, month: i64, day: i64) -> i64 {
    let a = (14 - month) / 12;
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    day + (153 * m + 2) / 5 + 365 * y + y.div_euclid(4) - 32_083
}

fn julian_date(jdn: i64) -> (i64, u32, u32) {
    let c = jdn + 32_082;
    let d = (4 * c + 3).div_euclid(1461);
    let e = c - (1461 * d).div_euclid(4);
    let m = (5 * e + 2) / 153;
    let day = (e - (153 * m + 2) / 5 + 1) as u32;
    let month = (m + 3 - 12 * (m / 10)) as u32;
    (d - 4800 + m / 10, month, day)
}

/// A date-time in some calendar.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    /// Seconds with the microseconds as fraction.
    pub second: f64,
}

impl DateTime {
    /// ISO 8601: `YYYY-MM-DDTHH:MM:SS` (4-digit zero-padded year, `-` sign for negative years;
    /// fractional seconds only when non-zero, e.g. `.5`).
    pub fn iso(&self) -> String {
        self.to_string()
    }

    /// The checks cftime makes in every calendar.
    fn fields_in_range(&self) -> bool {
        (1..=12).contains(&self.month)
            && (1..=31).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
            && (0.0..60.0).contains(&self.second)
    }

    fn micros_of_day(&self) -> i64 {
        let whole = i64::from(self.hour * 3600 + self.minute * 60) * MICROS_PER_SECOND;
        whole + (self.second * 1e6).round() as i64
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.year < 0 { "-" } else { "" };
        let micros = (self.second * 1e6).round() as i64;
        let (year, month, day, hour, minute) = (
            self.year.unsigned_abs(),
            self.month,
            self.day,
            self.hour,
            self.minute,
        );
        let second = micros / MICROS_PER_SECOND;
        write!(
            f,
            "{sign}{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"
        )?;
        let fraction = micros % MICROS_PER_SECOND;
        if fraction != 0 {
            write!(f, ".{}", format!("{fraction:06}").trim_end_matches('0'))?;
        }
        Ok(())
    }
}

/// A decoded instant: microseconds on the calendar's day-number axis, and its date-time.
#[derive(Debug, Clone, Copy)]
struct Moment {
    micros: i128,
    date: DateTime,
}

/// What decoding needs of the units and calendar, computed once for many values.
struct Decoder {
    calendar: Calendar,
    factor: i64,
    snap: bool,
    /// The epoch, in microseconds since the calendar's day zero, less the UTC offset.
    base: i128,
}

impl Decoder {
    fn new(units: &Units, calendar: Calendar) -> Result<Self, String> {
        let factor = units.unit.micros(calendar)?;
        let snap = !matches!(units.unit, Unit::Microseconds | Unit::Milliseconds);
        let epoch = &units.epoch;
        calendar.check_date(epoch)?;
        let day = calendar.day_number(epoch.year, epoch.month, epoch.day);
        let offset = i128::from(units.utc_offset_minutes) * 60 * i128::from(MICROS_PER_SECOND);
        let base = i128::from(day) * i128::from(MICROS_PER_DAY) + i128::from(epoch.micros_of_day())
            - offset;
        Ok(Self {
            calendar,
            factor,
            snap,
            base,
        })
    }

    fn moment(&self, value: f64) -> Result<Moment, String> {
        let delta = scale_to_micros(value, self.factor, self.snap)?;
        let micros = self.base + i128::from(delta);
        let day =
            i64::try_from(micros.div_euclid(MICROS_PER_DAY.into())).map_err(|e| e.to_string())?;
        let (year, month, day) = self.calendar.date(day);
        let of_day = micros.rem_euclid(MICROS_PER_DAY.into()) as i64;
        let seconds = of_day / MICROS_PER_SECOND;
        let date = DateTime {
            year,
            month,
            day,
            hour: (seconds / 3600) as u32,
            minute: (seconds / 60 % 60) as u32,
            second: (seconds % 60) as f64 + (of_day % MICROS_PER_SECOND) as f64 / 1e6,
        };
        Ok(Moment { micros, date })
    }
}

fn moment(value: f64, units: &Units, calendar: Calendar) -> Result<Moment, String> {
    Decoder::new(units, calendar)?.moment(value)
}

/// Decodes one value.
///
/// # Errors
///
/// Wherever cftime raises: a unit the calendar does not take (months outside `360_day`, weeks,
/// years, …), a reference date that does not exist in the calendar, a NaN or infinite value, or
/// one whose microsecond count overflows i64.
pub fn decode(value: f64, units: &Units, calendar: Calendar) -> Result<DateTime, String> {
    moment(value, units, calendar).map(|moment| moment.date)
}

/// `magnitude / 2^shift` rounded down, up and half to even, for `magnitude < 2^100`.
fn divide_by_power_of_two(magnitude: u128, shift: u32) -> (u128, u128, u128) {
    if shift >= 100 {
        return (0, u128::from(magnitude != 0), 0);
    }
    let (floor, remainder, half) = (
        magnitude >> shift,
        magnitude & ((1 << shift) - 1),
        (1 << shift) >> 1,
    );
    let ceil = floor + u128::from(remainder != 0);
    let tie_up = remainder == half && half != 0 && floor % 2 == 1;
    (floor, ceil, floor + u128::from(remainder > half || tie_up))
}

/// `value × factor` as cftime's `cast_to_int(scale_times(longdouble(value), factor))` computes it
/// on x86-64: the product rounded to a 64-bit mantissa, then half to even to an integer; with
/// `snap`, a result 1 µs after (before) a whole second is replaced by the floor (ceiling).
fn scale_to_micros(value: f64, factor: i64, snap: bool) -> Result<i64, String> {
    if !value.is_finite() {
        return Err(format!("time value {value} is not finite"));
    }
    let overflow = || format!("time value {value} overflows 64-bit microseconds");
    let bits = value.to_bits();
    let (exponent_bits, fraction) = (((bits >> 52) & 0x7ff) as i32, bits & ((1 << 52) - 1));
    let (mantissa, mut exponent) = if exponent_bits == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, exponent_bits - 1075)
    };
    // The exact product (< 2^98), rounded to the 64 significant bits of an x87 long double.
    let mut magnitude = u128::from(mantissa) * u128::from(factor.unsigned_abs());
    let excess = (128 - magnitude.leading_zeros()).saturating_sub(64);
    magnitude = divide_by_power_of_two(magnitude, excess).2;
    exponent += excess as i32;
    let (floor, ceil, rint) = match u32::try_from(exponent) {
        Ok(shift) if shift > 63 => return Err(overflow()),
        Ok(shift) => (magnitude << shift, magnitude << shift, magnitude << shift),
        Err(_) => divide_by_power_of_two(magnitude, exponent.unsigned_abs()),
    };
    let signed = |m: u128| i128::try_from(m).map(|m| if value < 0.0 { -m } else { m });
    let (floor, ceil, mut micros) = match (signed(floor), signed(ceil), signed(rint)) {
        (Ok(floor), Ok(ceil), Ok(rint)) if value < 0.0 => (ceil, floor, rint),
        (Ok(floor), Ok(ceil), Ok(rint)) => (floor, ceil, rint),
        _ => return Err(overflow()),
    };
    // cftime rejects products outside the i64 range; i64::MIN itself would be numpy's NaT.
    if ceil > i128::from(i64::MAX) || floor <= i128::from(i64::MIN) {
        return Err(overflow());
    }
    if snap {
        match micros.rem_euclid(MICROS_PER_SECOND.into()) {
            1 => micros = floor,
            999_999 => micros = ceil,
            _ => {}
        }
    }
    i64::try_from(micros).map_err(|_| overflow())
}

/// A regular step between consecutive decoded values as an ISO 8601 duration (`PT1H`, `PT6H`,
/// `P1D`, `P5D`, `P1M`, `P3M`, `P1Y`, `P10Y`), or `None` when irregular, not increasing, not
/// decodable, or fewer than 2 values.
///
/// Values on the same day of month and time of day give whole months or years; then a constant
/// exact step gives a fixed duration; last, monthly and yearly means stamped mid-period (which
/// move around within the month) count as `P1M`/`P1Y` when the month index goes up by 1 (12)
/// each time and every step lasts between 28 and 31 (360 and 366) days.
pub fn regular_step(values: &[f64], units: &Units, calendar: Calendar) -> Option<String> {
    if values.len() < 2 {
        return None;
    }
    let decoder = Decoder::new(units, calendar).ok()?;
    let moments: Vec<Moment> = values
        .iter()
        .map(|&v| decoder.moment(v))
        .collect::<Result<_, _>>()
        .ok()?;
    let month_index =
        |m: &Moment| calendar.astronomical(m.date.year) * 12 + i64::from(m.date.month);
    let pairs = || moments.windows(2).map(|pair| (&pair[0], &pair[1]));
    let first = &moments[0];
    let months = month_index(&moments[1]) - month_index(first);
    if pairs().all(|(a, b)| b.micros > a.micros && month_index(b) - month_index(a) == months)
        && moments.iter().all(|m| {
            (m.date.day, m.date.micros_of_day()) == (first.date.day, first.date.micros_of_day())
        })
    {
        return Some(if months % 12 == 0 {
            format!("P{}Y", months / 12)
        } else {
            format!("P{months}M")
        });
    }
    let step = moments[1].micros - first.micros;
    if step > 0 && pairs().all(|(a, b)| b.micros - a.micros == step) {
        return Some(duration(step));
    }
    let day = i128::from(MICROS_PER_DAY);
    let (label, days) = match months {
        1 => ("P1M", 28..=31),
        12 => ("P1Y", 360..=366),
        _ => return None,
    };
    let span = (days.start() * day)..=(days.end() * day);
    pairs()
        .all(|(a, b)| {
            month_index(b) - month_index(a) == months && span.contains(&(b.micros - a.micros))
        })
        .then(|| label.to_owned())
}

/// An exact positive duration in ISO 8601: `P1D`, `PT6H`, `P1DT12H`, `PT0.5S`.
fn duration(micros: i128) -> String {
    let day = i128::from(MICROS_PER_DAY);
    let (days, rest) = (micros / day, micros % day);
    let mut text = String::from("P");
    if days > 0 {
        text += &format!("{days}D");
    }
    if rest > 0 {
        let second = i128::from(MICROS_PER_SECOND);
        let (hours, minutes, seconds) = (
            rest / (3600 * second),
            rest / (60 * second) % 60,
            rest % (60 * second),
        );
        text.push('T');
        if hours > 0 {
            text += &format!("{hours}H");
        }
        if minutes > 0 {
            text += &format!("{minutes}M");
        }
        if seconds > 0 {
            let fraction = format!("{:06}", seconds % second);
            let fraction = fraction.trim_end_matches('0');
            let point = if fraction.is_empty() { "" } else { "." };
            text += &format!("{}{point}{fraction}S", seconds / second);
        }
    }
    text
}

#[cfg(test)]
mod tests;
