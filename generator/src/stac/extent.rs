//! Spatial and temporal extents for collections and items: the union of the stores' boxes and
//! time ranges, GeoJSON geometry for a box, and RFC 3339 times for any CF calendar.

use almanac_model::{BoundingBox, StoreFacts};
use serde_json::{Value, json};

use super::time;

/// A time range as RFC 3339 UTC strings (dates of other calendars read as Gregorian dates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    /// Start.
    pub start: String,
    /// End.
    pub end: String,
}

/// The time range of one store.
pub fn interval(facts: &StoreFacts) -> Option<Interval> {
    let time = facts.time.as_ref()?;
    Some(Interval {
        start: time::rfc3339(&time.start)?,
        end: time::rfc3339(&time.end)?,
    })
}

/// The union of boxes: longitudes across the antimeridian (west > east) make it global in
/// longitude, as the union of such boxes is not computed.
pub fn union_box<'a>(boxes: impl IntoIterator<Item = &'a BoundingBox>) -> Option<BoundingBox> {
    boxes.into_iter().fold(None, |acc, b| {
        Some(match acc {
            None => *b,
            Some(a) => {
                let crosses = a.west > a.east || b.west > b.east;
                BoundingBox {
                    west: if crosses { -180.0 } else { a.west.min(b.west) },
                    south: a.south.min(b.south),
                    east: if crosses { 180.0 } else { a.east.max(b.east) },
                    north: a.north.max(b.north),
                }
            }
        })
    })
}

/// The union of time ranges (RFC 3339 strings with four-digit years sort as times do).
pub fn union_interval<'a>(intervals: impl IntoIterator<Item = &'a Interval>) -> Option<Interval> {
    intervals.into_iter().fold(None, |acc, i| {
        Some(match acc {
            None => i.clone(),
            Some(a) => Interval {
                start: a.start.min(i.start.clone()),
                end: a.end.max(i.end.clone()),
            },
        })
    })
}

/// `[west, south, east, north]`.
pub fn bbox_array(b: &BoundingBox) -> Value {
    json!([b.west, b.south, b.east, b.north])
}

/// A GeoJSON Polygon for the box, or a MultiPolygon of two when it crosses the antimeridian.
pub fn geometry(b: &BoundingBox) -> Value {
    let ring = |west: f64, east: f64| {
        json!([[
            [west, b.south],
            [east, b.south],
            [east, b.north],
            [west, b.north],
            [west, b.south]
        ]])
    };
    if b.west > b.east {
        json!({
            "type": "MultiPolygon",
            "coordinates": [ring(b.west, 180.0), ring(-180.0, b.east)],
        })
    } else {
        json!({ "type": "Polygon", "coordinates": ring(b.west, b.east) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bb(west: f64, south: f64, east: f64, north: f64) -> BoundingBox {
        BoundingBox {
            west,
            south,
            east,
            north,
        }
    }

    #[test]
    fn unions() {
        let u = union_box(&[bb(0.0, 10.0, 20.0, 30.0), bb(-10.0, 0.0, 5.0, 40.0)]).expect("box");
        assert_eq!(u, bb(-10.0, 0.0, 20.0, 40.0));
        let crossing =
            union_box(&[bb(170.0, 0.0, -170.0, 10.0), bb(0.0, 0.0, 5.0, 5.0)]).expect("box");
        assert_eq!(crossing, bb(-180.0, 0.0, 180.0, 10.0));
        let i = union_interval(&[
            Interval {
                start: "2000-01-01T00:00:00Z".into(),
                end: "2001-01-01T00:00:00Z".into(),
            },
            Interval {
                start: "1990-01-01T00:00:00Z".into(),
                end: "1995-01-01T00:00:00Z".into(),
            },
        ])
        .expect("interval");
        assert_eq!(i.start, "1990-01-01T00:00:00Z");
        assert_eq!(i.end, "2001-01-01T00:00:00Z");
    }

    #[test]
    fn antimeridian_geometry() {
        let g = geometry(&bb(170.0, 0.0, -170.0, 10.0));
        assert_eq!(g["type"], "MultiPolygon");
        assert_eq!(geometry(&bb(0.0, 0.0, 1.0, 1.0))["type"], "Polygon");
    }
}
