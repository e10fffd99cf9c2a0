//! cftime's answers replayed (`tests/fixtures/cftime/cases.json`) and decoding edge cases.

use super::*;

fn units(text: &str) -> Units {
    parse_units(text).expect("units parse")
}

fn decoded(value: f64, text: &str, calendar: Calendar) -> String {
    decode(value, &units(text), calendar).map_or_else(|e| format!("error: {e}"), |d| d.iso())
}

#[test]
fn calendars_parse_case_insensitively_and_round_trip() {
    for calendar in [
        Calendar::Standard,
        Calendar::ProlepticGregorian,
        Calendar::NoLeap,
        Calendar::AllLeap,
        Calendar::Day360,
        Calendar::Julian,
    ] {
        assert_eq!(Calendar::parse(calendar.name()), Some(calendar));
        assert_eq!(
            Calendar::parse(&calendar.name().to_uppercase()),
            Some(calendar)
        );
    }
    assert_eq!(Calendar::parse("Gregorian"), Some(Calendar::Standard));
    assert_eq!(Calendar::parse("365_day"), Some(Calendar::NoLeap));
    assert_eq!(Calendar::parse("366_day"), Some(Calendar::AllLeap));
    assert_eq!(Calendar::parse("tai"), None);
    assert_eq!(Calendar::parse(" standard"), None);
}

#[test]
fn iso_pads_years_and_trims_fractions() {
    let date = DateTime {
        year: -1,
        month: 12,
        day: 31,
        hour: 23,
        minute: 5,
        second: 7.5,
    };
    assert_eq!(date.iso(), "-0001-12-31T23:05:07.5");
    let date = DateTime {
        year: 850,
        month: 1,
        day: 2,
        hour: 3,
        minute: 4,
        second: 5.000001,
    };
    assert_eq!(date.to_string(), "0850-01-02T03:04:05.000001");
    let date = DateTime {
        year: 12345,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0.0,
    };
    assert_eq!(date.iso(), "12345-01-01T00:00:00");
}

#[test]
fn units_parse_common_forms() {
    let parsed = units("days since 1850-01-01");
    assert_eq!(parsed.unit, Unit::Days);
    assert_eq!(parsed.epoch.iso(), "1850-01-01T00:00:00");
    assert_eq!(units("hours since 1970-01-01 00:00:00").unit, Unit::Hours);
    assert_eq!(
        units("seconds since 1970-01-01T00:00:00Z").utc_offset_minutes,
        0
    );
    assert_eq!(
        units("days since 0001-01-01 00:00:0.0").epoch.iso(),
        "0001-01-01T00:00:00"
    );
    assert_eq!(
        units("minutes since 2000-1-1 6:00").epoch.iso(),
        "2000-01-01T06:00:00"
    );
    assert_eq!(
        units("hours since 1970-01-01 00:00:00 +05:30").utc_offset_minutes,
        330
    );
    assert_eq!(
        units("hours since 1970-01-01 00:00:00-0600").utc_offset_minutes,
        -360
    );
    assert_eq!(
        units("hours since 1970-01-01 00:00:00 UTC").utc_offset_minutes,
        0
    );
    assert_eq!(units("Days  Since 1850-01-01").unit, Unit::Days);
    assert_eq!(
        units("common_years since 0000-01-01").unit,
        Unit::CommonYears
    );
    assert_eq!(units("weeks since 2000-01-01").unit, Unit::Weeks);
    assert_eq!(
        units("seconds since 1970-01-01 00:00:00.57").epoch.second,
        0.57
    );
    for (text, unit) in [
        ("d", Unit::Days),
        ("hrs", Unit::Hours),
        ("h", Unit::Hours),
        ("min", Unit::Minutes),
    ] {
        assert_eq!(units(&format!("{text} since 2000-01-01")).unit, unit);
    }
    for (text, unit) in [
        ("s", Unit::Seconds),
        ("secs", Unit::Seconds),
        ("ms", Unit::Milliseconds),
    ] {
        assert_eq!(units(&format!("{text} since 2000-01-01")).unit, unit);
    }
}

#[test]
fn units_mirror_cftime_quirks() {
    // An hour without minutes, and a one-digit zone hour, are ignored; `-` may separate time.
    assert_eq!(units("hours since 1970-01-01 12").epoch.hour, 0);
    assert_eq!(
        units("hours since 1970-01-01 00:00:00 -6:00").utc_offset_minutes,
        0
    );
    let dashed = units("hours since 1970-01-01-06:00");
    assert_eq!((dashed.epoch.hour, dashed.utc_offset_minutes), (6, 0));
    // Fractions are truncated to microseconds.
    assert_eq!(
        units("days since 1970-01-01T1:2:3.123456789").epoch.second,
        3.123456
    );
}

#[test]
fn units_reject_what_cftime_rejects() {
    for text in [
        "days since 1850",
        "days after 1970-01-01",
        "days since",
        "us since 1970-01-01",
        "fortnights since 2000-01-01",
        "days since 1970-13-01",
        "days since 1970-01-01 24:00",
        "days since 99999999999-01-01",
    ] {
        assert!(parse_units(text).is_err(), "{text}");
    }
}

#[test]
fn decodes_across_calendars() {
    assert_eq!(
        decoded(59.0, "days since 1850-01-01", Calendar::Standard),
        "1850-03-01T00:00:00"
    );
    assert_eq!(
        decoded(59.0, "days since 1852-01-01", Calendar::AllLeap),
        "1852-02-29T00:00:00"
    );
    assert_eq!(
        decoded(59.0, "days since 1852-01-01", Calendar::Day360),
        "1852-02-30T00:00:00"
    );
    assert_eq!(
        decoded(-0.25, "days since 1850-01-01", Calendar::NoLeap),
        "1849-12-31T18:00:00"
    );
    assert_eq!(
        decoded(1.0, "days since 1582-10-04", Calendar::Standard),
        "1582-10-15T00:00:00"
    );
    assert_eq!(
        decoded(1.0, "days since 1582-10-04", Calendar::ProlepticGregorian),
        "1582-10-05T00:00:00"
    );
    assert_eq!(
        decoded(-1.0, "days since 0001-01-01", Calendar::Standard),
        "-0001-12-31T00:00:00"
    );
    assert_eq!(
        decoded(-1.0, "days since 0001-01-01", Calendar::ProlepticGregorian),
        "0000-12-31T00:00:00"
    );
    assert_eq!(
        decoded(13.0, "months since 1960-01-01", Calendar::Day360),
        "1961-02-01T00:00:00"
    );
    assert_eq!(
        decoded(1.0, "common_years since 2000-01-01", Calendar::NoLeap),
        "2001-01-01T00:00:00"
    );
    let offset = "days since 2000-03-01 00:00:00+01:00";
    assert_eq!(
        decoded(0.0, offset, Calendar::Standard),
        "2000-02-29T23:00:00"
    );
    assert_eq!(
        decoded(0.0, offset, Calendar::NoLeap),
        "2000-02-28T23:00:00"
    );
    assert_eq!(
        decoded(0.0, offset, Calendar::Day360),
        "2000-02-30T23:00:00"
    );
}

#[test]
fn decode_rounds_like_cftime() {
    let seconds = "seconds since 2000-01-01";
    // Snapped to the whole second for seconds, not for milliseconds.
    assert_eq!(
        decoded(1.0000007, seconds, Calendar::Standard),
        "2000-01-01T00:00:01"
    );
    assert_eq!(
        decoded(0.9999993, seconds, Calendar::Standard),
        "2000-01-01T00:00:01"
    );
    assert_eq!(
        decoded(1000.0007, "ms since 2000-01-01", Calendar::Standard),
        "2000-01-01T00:00:01.000001"
    );
    // Ties go to even microseconds.
    assert_eq!(
        decoded(2.5, "microseconds since 2000-01-01", Calendar::Standard),
        "2000-01-01T00:00:00.000002"
    );
    assert_eq!(
        decoded(1.0 / 3.0, "days since 2000-01-01", Calendar::Standard),
        "2000-01-01T08:00:00"
    );
    assert_eq!(scale_to_micros(-1.5e-6, MICROS_PER_SECOND, true), Ok(-2));
    assert_eq!(scale_to_micros(0.0, MICROS_PER_DAY, true), Ok(0));
}

#[test]
fn decode_errors_where_cftime_raises() {
    let cases = [
        (0.0, "months since 1960-01-01", Calendar::Standard),
        (0.0, "common_years since 1960-01-01", Calendar::Day360),
        (0.0, "weeks since 1960-01-01", Calendar::Standard),
        (0.0, "years since 1960-01-01", Calendar::Day360),
        (0.0, "days since 0000-01-01", Calendar::Julian),
        (0.0, "days since 1582-10-10", Calendar::Standard),
        (0.0, "days since 1970-02-29", Calendar::NoLeap),
        (0.0, "days since 1970-02-31", Calendar::Day360),
        (f64::NAN, "days since 1970-01-01", Calendar::Standard),
        (f64::INFINITY, "days since 1970-01-01", Calendar::Standard),
        (1e20, "days since 1970-01-01", Calendar::Standard),
    ];
    for (value, text, calendar) in cases {
        assert!(
            decode(value, &units(text), calendar).is_err(),
            "{value} {text} {calendar:?}"
        );
    }
}

#[test]
fn regular_steps() {
    let days = units("days since 1850-01-01");
    let step = |values: &[f64], calendar| regular_step(values, &days, calendar);
    assert_eq!(
        step(&[0.0, 1.0, 2.0], Calendar::Standard).as_deref(),
        Some("P1D")
    );
    assert_eq!(
        step(&[0.0, 0.25, 0.5], Calendar::Standard).as_deref(),
        Some("PT6H")
    );
    assert_eq!(
        step(&[0.0, 5.0, 10.0], Calendar::NoLeap).as_deref(),
        Some("P5D")
    );
    assert_eq!(
        step(&[15.5, 45.0, 74.5, 105.0], Calendar::NoLeap).as_deref(),
        Some("P1M")
    );
    assert_eq!(
        step(&[0.0, 365.0, 730.0], Calendar::NoLeap).as_deref(),
        Some("P1Y")
    );
    assert_eq!(
        step(&[0.0, 30.0, 60.0], Calendar::Day360).as_deref(),
        Some("P1M")
    );
    assert_eq!(step(&[0.0, 1.0, 3.0], Calendar::Standard), None);
    assert_eq!(step(&[0.0], Calendar::Standard), None);
    assert_eq!(step(&[2.0, 1.0], Calendar::Standard), None);
    assert_eq!(duration(36 * 3600 * MICROS_PER_SECOND as i128), "P1DT12H");
    assert_eq!(
        duration(90 * 60 * MICROS_PER_SECOND as i128 + 500_000),
        "PT1H30M0.5S"
    );
}

#[test]
fn day_numbers_round_trip() {
    for calendar in [
        Calendar::Standard,
        Calendar::ProlepticGregorian,
        Calendar::Julian,
        Calendar::NoLeap,
    ] {
        for number in (-3_000_000..3_000_000).step_by(997) {
            let (year, month, day) = calendar.date(number);
            assert_eq!(
                calendar.day_number(year, month, day),
                number,
                "{calendar:?} {year}-{month}-{day}"
            );
        }
    }
    assert_eq!(
        Calendar::Standard.day_number(1582, 10, 15),
        GREGORIAN_START_JDN
    );
    assert_eq!(
        Calendar::Standard.day_number(1582, 10, 4),
        GREGORIAN_START_JDN - 1
    );
    assert_eq!(
        Calendar::ProlepticGregorian.day_number(1970, 1, 1),
        UNIX_EPOCH_JDN
    );
}

/// Replays `tests/fixtures/cftime/cases.json` (see `make_cases.py` beside it).
#[test]
fn matches_cftime_fixture() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/cftime/cases.json"
    );
    let text = std::fs::read_to_string(path).expect("read cases.json");
    let fixture: serde_json::Value = serde_json::from_str(&text).expect("parse cases.json");
    let field = |case: &serde_json::Value, key: &str| case[key].as_str().expect(key).to_owned();
    let mut mismatches = Vec::new();
    let decode_cases = fixture["decode"].as_array().expect("decode cases");
    for case in decode_cases {
        let (text, calendar, value) = (
            field(case, "units"),
            field(case, "calendar"),
            field(case, "value"),
        );
        let value: f64 = value.parse().expect("value");
        let got = Calendar::parse(&calendar)
            .ok_or_else(|| "unknown calendar".to_owned())
            .and_then(|calendar| decode(value, &parse_units(&text)?, calendar));
        let got = got.map_or_else(|_| "error".to_owned(), |date| date.iso());
        let expected = field(case, "expected");
        if got != expected {
            mismatches.push(format!(
                "{value:?} {text:?} {calendar}: got {got}, cftime {expected}"
            ));
        }
    }
    let step_cases = fixture["regular_step"]
        .as_array()
        .expect("regular_step cases");
    for case in step_cases {
        let (text, calendar) = (field(case, "units"), field(case, "calendar"));
        let values: Vec<f64> = case["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|v| v.as_str().expect("value").parse().expect("number"))
            .collect();
        let calendar = Calendar::parse(&calendar).expect("calendar");
        let got = regular_step(&values, &units(&text), calendar);
        let expected = case["expected"].as_str().map(str::to_owned);
        if got != expected {
            mismatches.push(format!(
                "step {}: got {got:?}, expected {expected:?}",
                field(case, "name")
            ));
        }
    }
    assert!(
        decode_cases.len() > 1000 && step_cases.len() > 20,
        "fixture too small"
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
