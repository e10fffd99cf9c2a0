//! The spatial extent as a static SVG: an equirectangular graticule (meridians and parallels
//! every 30°, the equator and the prime meridian stronger, a frame) with each bounding box as a
//! rectangle; a box across the antimeridian (west > east) is drawn as two rectangles, a
//! global one spans the whole width. No coastlines: Almanac has no public-domain outline it
//! could ship and draw offline, so the graticule and labels carry the geography.

use almanac_model::BoundingBox;

use super::markdown::escape;

/// Smallest drawn size of a box, in degrees, so a point or a thin strip stays visible.
const MIN_SIZE: f64 = 2.0;

fn number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let text = format!("{rounded:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_owned()
    }
}

/// Longitude in -180..180 written as `120°E`, latitude as `30°S`.
#[must_use]
pub fn degrees(value: f64, positive: char, negative: char) -> String {
    let hemisphere = if value < 0.0 { negative } else { positive };
    if value == 0.0 {
        return "0°".into();
    }
    format!("{}°{hemisphere}", number(value.abs()))
}

/// The box in words, e.g. `135°W to 45°W, 15°N to 60°N`.
#[must_use]
pub fn describe(b: &BoundingBox) -> String {
    let crosses = b.west > b.east;
    format!(
        "{} to {}{}, {} to {}",
        degrees(b.west, 'E', 'W'),
        degrees(b.east, 'E', 'W'),
        if crosses {
            " (across the antimeridian)"
        } else {
            ""
        },
        degrees(b.south, 'N', 'S'),
        degrees(b.north, 'N', 'S'),
    )
}

/// Rectangles (west, south, east, north) in map degrees for one box.
fn rectangles(b: &BoundingBox) -> Vec<[f64; 4]> {
    let south = b.south.clamp(-90.0, 90.0);
    let north = b.north.clamp(-90.0, 90.0).max(south);
    let (west, east) = (b.west.clamp(-180.0, 180.0), b.east.clamp(-180.0, 180.0));
    if west <= east {
        vec![[west, south, east, north]]
    } else {
        vec![[west, south, 180.0, north], [-180.0, south, east, north]]
    }
}

fn rect(r: [f64; 4]) -> String {
    let [mut west, mut south, mut east, mut north] = r;
    if east - west < MIN_SIZE {
        let middle = f64::midpoint(west, east);
        west = (middle - MIN_SIZE / 2.0).max(-180.0);
        east = (west + MIN_SIZE).min(180.0);
    }
    if north - south < MIN_SIZE {
        let middle = f64::midpoint(south, north);
        south = (middle - MIN_SIZE / 2.0).max(-90.0);
        north = (south + MIN_SIZE).min(90.0);
    }
    format!(
        "<rect class=\"map-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        number(west),
        number(-north),
        number(east - west),
        number(north - south)
    )
}

/// The map of `boxes` as an inline `<svg>` element; `id` makes its title's id unique on
/// the page. Every number is ours and the only text (the description) is escaped.
#[must_use]
pub fn extent_svg(id: &str, boxes: &[BoundingBox]) -> String {
    let mut svg = String::new();
    let title_id = format!("map-title-{id}");
    let described: Vec<String> = boxes.iter().map(describe).collect();
    svg.push_str(&format!(
        "<svg class=\"extent-map\" viewBox=\"-190 -100 380 200\" role=\"img\" aria-labelledby=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(&title_id)
    ));
    svg.push_str(&format!(
        "<title id=\"{}\">Spatial extent on a latitude/longitude grid: {}</title>",
        escape(&title_id),
        escape(&described.join("; "))
    ));
    svg.push_str("<rect class=\"map-sea\" x=\"-180\" y=\"-90\" width=\"360\" height=\"180\"/>");
    svg.push_str("<g class=\"map-grid\">");
    for lon in (-150..=150).step_by(30) {
        let class = if lon == 0 { " class=\"map-axis\"" } else { "" };
        svg.push_str(&format!(
            "<line{class} x1=\"{lon}\" y1=\"-90\" x2=\"{lon}\" y2=\"90\"/>"
        ));
    }
    for lat in (-60..=60).step_by(30) {
        let class = if lat == 0 { " class=\"map-axis\"" } else { "" };
        svg.push_str(&format!(
            "<line{class} x1=\"-180\" y1=\"{lat}\" x2=\"180\" y2=\"{lat}\"/>"
        ));
    }
    svg.push_str("</g>");
    svg.push_str("<g class=\"map-boxes\">");
    for b in boxes {
        for r in rectangles(b) {
            svg.push_str(&rect(r));
        }
    }
    svg.push_str("</g>");
    svg.push_str("<rect class=\"map-frame\" x=\"-180\" y=\"-90\" width=\"360\" height=\"180\"/>");
    svg.push_str("<g class=\"map-labels\" aria-hidden=\"true\">");
    for lon in [-180, -90, 0, 90, 180] {
        svg.push_str(&format!(
            "<text x=\"{lon}\" y=\"98\" text-anchor=\"middle\">{}</text>",
            degrees(f64::from(lon), 'E', 'W')
        ));
    }
    for lat in [-90, -60, -30, 0, 30, 60, 90] {
        svg.push_str(&format!(
            "<text x=\"-183\" y=\"{}\" text-anchor=\"end\">{}</text>",
            -lat + 2,
            degrees(f64::from(lat), 'N', 'S')
        ));
    }
    svg.push_str("</g></svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(west: f64, south: f64, east: f64, north: f64) -> BoundingBox {
        BoundingBox {
            west,
            south,
            east,
            north,
        }
    }

    #[test]
    fn global_boxes_span_the_map() {
        assert_eq!(
            rectangles(&b(-180.0, -90.0, 180.0, 90.0)),
            vec![[-180.0, -90.0, 180.0, 90.0]]
        );
        let svg = extent_svg("x", &[b(-180.0, -90.0, 180.0, 90.0)]);
        assert!(
            svg.contains(r#"<rect class="map-box" x="-180" y="-90" width="360" height="180"/>"#),
            "{svg}"
        );
    }

    #[test]
    fn antimeridian_boxes_are_split() {
        let parts = rectangles(&b(170.0, -50.0, -170.0, -30.0));
        assert_eq!(
            parts,
            vec![[170.0, -50.0, 180.0, -30.0], [-180.0, -50.0, -170.0, -30.0]]
        );
        let svg = extent_svg("x", &[b(170.0, -50.0, -170.0, -30.0)]);
        assert_eq!(svg.matches("class=\"map-box\"").count(), 2);
        assert!(svg.contains("across the antimeridian"));
    }

    #[test]
    fn tiny_boxes_stay_visible_and_words_read_well() {
        let svg = extent_svg("x", &[b(130.8, -12.4, 130.8, -12.4)]);
        assert!(svg.contains(r#"width="2" height="2""#), "{svg}");
        assert_eq!(
            describe(&b(-135.0, 15.0, -45.0, 60.0)),
            "135°W to 45°W, 15°N to 60°N"
        );
        assert_eq!(degrees(0.0, 'E', 'W'), "0°");
    }
}
