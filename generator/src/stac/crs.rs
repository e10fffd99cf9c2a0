//! WKT2 (ISO 19162:2019) for CF grid mappings that carry no EPSG code or WKT of their own,
//! for the datacube's `reference_system`: rotated pole and stereographic, written as PROJ
//! writes them for the same CF attributes.

use almanac_model::{GridMapping, Value};

const DEGREE: &str = r#"ANGLEUNIT["degree",0.0174532925199433]"#;
const METRE: &str = r#"LENGTHUNIT["metre",1]"#;

/// The WKT2 of `crs`, for the grid mappings this knows; `None` for the others.
pub fn wkt(crs: &GridMapping) -> Option<String> {
    let number = |name: &str| match crs.attributes.get(name) {
        Some(Value::Float(f)) => Some(*f),
        #[expect(
            clippy::cast_precision_loss,
            reason = "CF parameters are small integers"
        )]
        Some(Value::Integer(i)) => Some(*i as f64),
        _ => None,
    };
    let base = base_crs(&number);
    match crs.name.as_str() {
        "rotated_latitude_longitude" => {
            let pole_latitude = number("grid_north_pole_latitude")?;
            let pole_longitude = number("grid_north_pole_longitude")?;
            let grid_longitude = number("north_pole_grid_longitude").unwrap_or(0.0);
            Some(format!(
                r#"GEOGCRS["Rotated pole",{base},DERIVINGCONVERSION["Pole rotation (netCDF CF convention)",METHOD["Pole rotation (netCDF CF convention)"],PARAMETER["Grid north pole latitude (netCDF CF convention)",{},{DEGREE}],PARAMETER["Grid north pole longitude (netCDF CF convention)",{},{DEGREE}],PARAMETER["North pole grid longitude (netCDF CF convention)",{},{DEGREE}]],CS[ellipsoidal,2],AXIS["longitude",east,ORDER[1],{DEGREE}],AXIS["latitude",north,ORDER[2],{DEGREE}]]"#,
                text(pole_latitude),
                text(pole_longitude),
                text(grid_longitude),
            ))
        }
        "stereographic" | "polar_stereographic" => {
            let latitude = number("latitude_of_projection_origin")?;
            let longitude = number("longitude_of_projection_origin")
                .or_else(|| number("straight_vertical_longitude_from_pole"))?;
            if crs.name == "polar_stereographic" && number("standard_parallel").is_some() {
                // Polar stereographic variant B: not written here.
                return None;
            }
            let scale = number("scale_factor_at_projection_origin").unwrap_or(1.0);
            let easting = number("false_easting").unwrap_or(0.0);
            let northing = number("false_northing").unwrap_or(0.0);
            Some(format!(
                r#"PROJCRS["Stereographic",{base},CONVERSION["Stereographic",METHOD["Stereographic"],PARAMETER["Latitude of natural origin",{},{DEGREE},ID["EPSG",8801]],PARAMETER["Longitude of natural origin",{},{DEGREE},ID["EPSG",8802]],PARAMETER["Scale factor at natural origin",{},SCALEUNIT["unity",1],ID["EPSG",8805]],PARAMETER["False easting",{},{METRE},ID["EPSG",8806]],PARAMETER["False northing",{},{METRE},ID["EPSG",8807]]],CS[Cartesian,2],AXIS["easting (X)",east,ORDER[1],{METRE}],AXIS["northing (Y)",north,ORDER[2],{METRE}]]"#,
                text(latitude),
                text(longitude),
                text(scale),
                text(easting),
                text(northing),
            ))
        }
        _ => None,
    }
}

/// The geographic base CRS from the CF ellipsoid attributes (WGS 84 when there are none).
fn base_crs(number: &dyn Fn(&str) -> Option<f64>) -> String {
    let (a, inverse_flattening) = if let Some(radius) = number("earth_radius") {
        (radius, 0.0)
    } else if let Some(a) = number("semi_major_axis") {
        let rf = number("inverse_flattening").unwrap_or_else(|| {
            number("semi_minor_axis")
                .filter(|b| (a - b).abs() > f64::EPSILON)
                .map_or(0.0, |b| a / (a - b))
        });
        (a, rf)
    } else {
        (6_378_137.0, 298.257_223_563)
    };
    let prime_meridian = number("longitude_of_prime_meridian").unwrap_or(0.0);
    let meridian_name = if prime_meridian == 0.0 {
        "Greenwich"
    } else {
        "unknown"
    };
    format!(
        r#"BASEGEOGCRS["unknown",DATUM["unknown",ELLIPSOID["unknown",{},{},{METRE}]],PRIMEM["{meridian_name}",{},{DEGREE}]]"#,
        text(a),
        text(inverse_flattening),
        text(prime_meridian),
    )
}

/// A number as WKT writes it: no trailing `.0`.
fn text(value: f64) -> String {
    let mut out = format!("{value}");
    if out.ends_with(".0") {
        out.truncate(out.len() - 2);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(name: &str, attributes: &[(&str, f64)]) -> GridMapping {
        GridMapping {
            variable: name.into(),
            name: name.into(),
            epsg: None,
            wkt: None,
            attributes: attributes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::Float(*v)))
                .collect(),
        }
    }

    #[test]
    fn rotated_pole() {
        let written = wkt(&mapping(
            "rotated_latitude_longitude",
            &[
                ("grid_north_pole_latitude", 37.5),
                ("grid_north_pole_longitude", 177.5),
                ("semi_major_axis", 6_371_229.0),
                ("semi_minor_axis", 6_371_229.0),
            ],
        ))
        .expect("wkt");
        assert!(written.starts_with(r#"GEOGCRS["Rotated pole",BASEGEOGCRS["unknown",DATUM["unknown",ELLIPSOID["unknown",6371229,0,"#), "{written}");
        assert!(
            written
                .contains(r#"PARAMETER["Grid north pole latitude (netCDF CF convention)",37.5,"#)
        );
        assert!(
            written.contains(r#"PARAMETER["North pole grid longitude (netCDF CF convention)",0,"#)
        );
        assert_eq!(written.matches('[').count(), written.matches(']').count());
    }

    #[test]
    fn stereographic() {
        let written = wkt(&mapping(
            "stereographic",
            &[
                ("latitude_of_projection_origin", 90.0),
                ("longitude_of_projection_origin", -35.0),
                ("earth_radius", 6_378_169.0),
            ],
        ))
        .expect("wkt");
        assert!(
            written.contains(r#"PARAMETER["Longitude of natural origin",-35,"#),
            "{written}"
        );
        assert_eq!(written.matches('[').count(), written.matches(']').count());
        assert!(wkt(&mapping("lambert_conformal_conic", &[])).is_none());
    }
}
