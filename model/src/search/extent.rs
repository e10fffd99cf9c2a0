//! Time-range overlap and bounding-box intersection, for the time and region filters.

use super::format::{DocSet, Extent, ExtentShard};

/// Days since 1970-01-01 of an ISO 8601 date or date-time (`1850-01-16`, `2020-12-31T00:00:00`,
/// `2001-06`, `1990`), read as a proleptic Gregorian date. Dates of other CF calendars (`360_day`'s
/// 30 February) are read the same way, which is close enough for filtering.
#[must_use]
pub fn days_from_iso(text: &str) -> Option<i32> {
    let date = text.trim().split(['T', ' ']).next()?;
    let (sign, date) = match date.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, date),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next().map_or(Ok(1), str::parse).ok()?;
    let day: i64 = parts.next().map_or(Ok(1), str::parse).ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    i32::try_from(days_from_civil(sign * year, month, day)).ok()
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The time range and region a search is limited to.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ExtentFilter {
    /// First and last day (days since 1970-01-01); documents whose time range overlaps it match.
    pub time: Option<[i32; 2]>,
    /// West, south, east, north; documents whose bounding box intersects it match.
    pub bbox: Option<[f64; 4]>,
}

impl ExtentFilter {
    /// True when neither a time range nor a region is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.time.is_none() && self.bbox.is_none()
    }

    /// True when `extent` passes the filter; a document without the extent a filter asks about
    /// does not.
    #[must_use]
    pub fn matches(&self, extent: &Extent) -> bool {
        let time = match (self.time, extent.time) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some([start, end]), Some([from, to])) => from <= end && to >= start,
        };
        let bbox = match (self.bbox, extent.bbox) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(wanted), Some(have)) => boxes_intersect(wanted, have),
        };
        time && bbox
    }

    /// The documents of `shard` that pass the filter.
    #[must_use]
    pub fn docs(&self, shard: &ExtentShard, documents: u32) -> DocSet {
        let mut set = DocSet::empty(documents);
        for (doc, extent) in &shard.extents {
            if self.matches(extent) {
                set.insert(*doc);
            }
        }
        set
    }
}

/// Longitude intervals of a box, split at the antimeridian.
fn longitudes([west, _, east, _]: [f64; 4]) -> Vec<(f64, f64)> {
    if west <= east {
        vec![(west, east)]
    } else {
        vec![(west, 180.0), (-180.0, east)]
    }
}

fn boxes_intersect(a: [f64; 4], b: [f64; 4]) -> bool {
    let latitudes = a[1] <= b[3] && a[3] >= b[1];
    latitudes
        && longitudes(a)
            .iter()
            .any(|&(w1, e1)| longitudes(b).iter().any(|&(w2, e2)| w1 <= e2 && e1 >= w2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_become_days() {
        assert_eq!(days_from_iso("1970-01-01"), Some(0));
        assert_eq!(days_from_iso("1970-01-02T12:00:00"), Some(1));
        assert_eq!(days_from_iso("1969-12-31"), Some(-1));
        assert_eq!(days_from_iso("2000-03-01"), Some(11_017));
        assert_eq!(days_from_iso("1850"), days_from_iso("1850-01-01"));
        assert_eq!(days_from_iso("later"), None);
        assert_eq!(days_from_iso("2000-13-01"), None);
    }

    #[test]
    fn time_ranges_overlap() {
        let filter = ExtentFilter {
            time: Some([100, 200]),
            bbox: None,
        };
        let at = |from, to| Extent {
            time: Some([from, to]),
            bbox: None,
        };
        assert!(filter.matches(&at(150, 300)));
        assert!(filter.matches(&at(0, 100)));
        assert!(!filter.matches(&at(201, 300)));
        assert!(!filter.matches(&Extent {
            time: None,
            bbox: None
        }));
    }

    #[test]
    fn boxes_intersect_across_the_antimeridian() {
        let pacific = [170.0, -10.0, -170.0, 10.0];
        assert!(boxes_intersect(pacific, [175.0, 0.0, 179.0, 5.0]));
        assert!(boxes_intersect(pacific, [-175.0, 0.0, -160.0, 5.0]));
        assert!(!boxes_intersect(pacific, [0.0, 0.0, 10.0, 5.0]));
        assert!(!boxes_intersect(pacific, [175.0, 20.0, 179.0, 30.0]));
        assert!(boxes_intersect(
            [-180.0, -90.0, 180.0, 90.0],
            [1.0, 1.0, 2.0, 2.0]
        ));
    }
}
