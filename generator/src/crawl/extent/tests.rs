//! Axes, bounding boxes and extents against what xarray reports for the demo's stores.

use serde_json::json;

use super::*;

fn attrs(value: Value) -> Attributes {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// NaN-aware equality of unpacked values (exact, as xarray prints them).
fn bbox(west: f64, south: f64, east: f64, north: f64) -> Option<BoundingBox> {
    Some(BoundingBox {
        west,
        south,
        east,
        north,
    })
}

/// `count` values from `start`, `step` apart.
fn grid(start: f64, step: f64, count: usize) -> Vec<f64> {
    (0..count).map(|i| start + step * i as f64).collect()
}

#[test]
fn axes_of_the_demo_stores_coordinates() {
    // [name, attributes, axis] as the stores under content/data write them.
    let cases = json!([
        // cmip6 (all three models)
        ["lat", {"axis": "Y", "bounds": "lat_bnds", "units": "degrees_north",
            "standard_name": "latitude", "long_name": "latitude"}, "y"],
        ["lon", {"axis": "X", "bounds": "lon_bnds", "units": "degrees_east",
            "standard_name": "longitude", "long_name": "Longitude"}, "x"],
        ["plev", {"axis": "Z", "units": "Pa", "standard_name": "air_pressure",
            "long_name": "pressure", "positive": "down"}, "z"],
        ["time", {"axis": "T", "bounds": "time_bnds", "standard_name": "time",
            "units": "days since 0001-01-01", "calendar": "365_day"}, "t"],
        // rotated-pole and hybrid-height
        ["grid_latitude", {"axis": "Y", "units": "degrees",
            "standard_name": "grid_latitude"}, "y"],
        ["grid_longitude", {"units": "degrees", "standard_name": "grid_longitude"}, "x"],
        ["level_height", {"bounds": "level_height_bnds", "axis": "Z", "units": "m",
            "standard_name": "atmosphere_hybrid_height_coordinate", "positive": "up"}, "z"],
        ["level_height", {"units": "m",
            "standard_name": "atmosphere_hybrid_height_coordinate"}, "z"],
        ["model_level_number", {"axis": "Z", "units": "1",
            "standard_name": "model_level_number", "positive": "up"}, "z"],
        ["sigma", {"bounds": "sigma_bnds", "units": "1", "long_name": "sigma"}, "other"],
        ["forecast_reference_time", {"standard_name": "forecast_reference_time",
            "units": "hours since 1970-01-01", "calendar": "gregorian"}, "other"],
        ["forecast_period", {"units": "hours", "standard_name": "forecast_period"}, "other"],
        ["height", {"units": "m", "standard_name": "height", "positive": "up"}, "z"],
        // nemo-orca2 (its dimensions dim0/dim1 have no coordinate variable)
        ["nav_lat", {"bounds": "nav_lat_bnds", "units": "degrees",
            "standard_name": "latitude", "long_name": "Latitude"}, "y"],
        ["nav_lon", {"bounds": "nav_lon_bnds", "units": "degrees",
            "standard_name": "longitude", "long_name": "Longitude"}, "x"],
        ["dim0", {}, "other"],
        ["deptht", {"bounds": "deptht_bnds", "units": "m", "standard_name": "depth",
            "long_name": "Vertical T levels", "positive": "down"}, "z"],
        ["time_counter", {"standard_name": "time", "long_name": "Time axis",
            "units": "seconds since 0001-01-01", "calendar": "360_day"}, "t"],
        // toa-brightness-stereographic
        ["x", {"axis": "X", "units": "m", "standard_name": "projection_x_coordinate"}, "x"],
        ["y", {"units": "m", "standard_name": "projection_y_coordinate"}, "y"],
        ["lat", {"units": "degrees_north", "standard_name": "latitude"}, "y"],
        // soi-darwin
        ["time", {"axis": "T", "standard_name": "time", "units": "days since 1800-01-01",
            "calendar": "gregorian"}, "t"]
    ]);
    for case in cases.as_array().expect("a list") {
        let (name, attributes) = (case[0].as_str().expect("a name"), attrs(case[1].clone()));
        let expected: Axis = serde_json::from_value(case[2].clone()).expect("an axis");
        assert_eq!(axis_of(name, &attributes), expected, "{case}");
    }
}

#[test]
fn axis_falls_back_from_attributes_to_units_positive_and_name() {
    let axis = |name: &str, attributes: Value| axis_of(name, &attrs(attributes));
    assert_eq!(axis("a", json!({"axis": "t"})), Axis::T);
    assert_eq!(
        axis("lat", json!({"axis": "Q"})),
        Axis::Y,
        "unknown axis letters skipped"
    );
    assert_eq!(
        axis("lon", json!({"axis": "Y"})),
        Axis::Y,
        "axis beats the name"
    );
    assert_eq!(
        axis(
            "a",
            json!({"standard_name": "air_temperature", "units": "K"})
        ),
        Axis::Other
    );
    assert_eq!(axis("a", json!({"units": "degrees_N"})), Axis::Y);
    assert_eq!(axis("a", json!({"units": "degreeE"})), Axis::X);
    assert_eq!(axis("a", json!({"units": "hPa"})), Axis::Z);
    assert_eq!(
        axis("a", json!({"units": "Days Since 2000-01-01"})),
        Axis::T
    );
    assert_eq!(axis("a", json!({"units": "days"})), Axis::Other);
    assert_eq!(axis("a", json!({"positive": "DOWN"})), Axis::Z);
    assert_eq!(axis("a", json!({"positive": "sideways"})), Axis::Other);
    for (name, expected) in [
        ("latitude", Axis::Y),
        ("NAV_LAT", Axis::Y),
        ("y", Axis::Y),
        ("Longitude", Axis::X),
        ("x", Axis::X),
        ("time", Axis::T),
        ("lev", Axis::Z),
        ("level", Axis::Z),
        ("plev", Axis::Z),
        ("depth", Axis::Z),
        ("height", Axis::Z),
        ("member", Axis::Other),
        ("bnds", Axis::Other),
    ] {
        assert_eq!(axis(name, json!({})), expected, "{name}");
    }
}

#[test]
fn geographic_axes_exclude_rotated_and_projected_coordinates() {
    let geo = |name: &str, attributes: Value| geographic_axis(name, &attrs(attributes));
    assert_eq!(
        geo(
            "nav_lat",
            json!({"units": "degrees", "standard_name": "latitude"})
        ),
        Some(Axis::Y)
    );
    assert_eq!(geo("lon", json!({"units": "degrees_east"})), Some(Axis::X));
    assert_eq!(geo("lon", json!({})), Some(Axis::X));
    assert_eq!(geo("latitude", json!({"units": "degrees"})), Some(Axis::Y));
    assert_eq!(
        geo(
            "grid_latitude",
            json!({"axis": "Y", "units": "degrees",
        "standard_name": "grid_latitude"})
        ),
        None
    );
    assert_eq!(
        geo(
            "x",
            json!({"axis": "X", "units": "m",
        "standard_name": "projection_x_coordinate"})
        ),
        None
    );
    assert_eq!(geo("lat", json!({"units": "m"})), None);
    assert_eq!(geo("time", json!({"units": "days since 2000-01-01"})), None);
    assert_eq!(geo("rlat", json!({"units": "degrees"})), None);
}

#[test]
fn global_0_360_grid_is_the_whole_globe() {
    let lons = grid(0.0, 1.875, 192); // 0 … 358.125
    let lats = grid(-89.0625, 1.875, 96);
    let expected = bbox(-180.0, -89.0625, 180.0, 89.0625);
    assert_eq!(bounding_box(&lats, &lons, Some(1.875)), expected);
    assert_eq!(bounding_box(&lats, &lons, None), expected);
    // Only the ends read (monotonic shortcut) still spans the globe with a known step.
    assert_eq!(bounding_box(&lats, &[0.0, 358.125], Some(1.875)), expected);
    // One column short is not global: the box is the complement of the gap.
    let short = &lons[..191];
    assert_eq!(
        bounding_box(&lats, short, Some(1.875)),
        bbox(0.0, -89.0625, -3.75, 89.0625)
    );
}

#[test]
fn global_minus_180_180_grid_is_the_whole_globe() {
    let lons = grid(-180.0, 1.25, 288); // -180 … 178.75
    assert_eq!(
        bounding_box(&[0.0], &lons, Some(1.25)),
        bbox(-180.0, 0.0, 180.0, 0.0)
    );
    assert_eq!(
        bounding_box(&[0.0], &lons, None),
        bbox(-180.0, 0.0, 180.0, 0.0)
    );
    let closed = grid(-180.0, 1.25, 289); // … 180, a duplicate meridian
    assert_eq!(
        bounding_box(&[0.0], &closed, None),
        bbox(-180.0, 0.0, 180.0, 0.0)
    );
}

#[test]
fn ostia_float32_grid_is_global() {
    let lons: Vec<f64> = (0..216u16)
        .map(|i| f64::from(f32::from(i) * (360.0_f32 / 216.0)))
        .collect();
    assert_eq!(
        (lons[1], lons[108], lons[215]),
        (1.6666666269302368, 180.0, 358.33331298828125)
    );
    let step = regular_step(&lons);
    assert!(step.is_some());
    let lats = [-4.999992370605469, 4.444450378417969];
    let expected = bbox(-180.0, -4.999992370605469, 180.0, 4.444450378417969);
    assert_eq!(bounding_box(&lats, &lons, step), expected);
    assert_eq!(bounding_box(&lats, &lons, None), expected);
}

#[test]
fn regional_box_across_greenwich() {
    let mut lons = grid(350.0, 2.5, 4); // 350 … 357.5
    lons.extend(grid(0.0, 2.5, 5)); // 0 … 10
    assert_eq!(
        bounding_box(&[1.0, 2.0], &lons, None),
        bbox(-10.0, 1.0, 10.0, 2.0)
    );
    let unwrapped = grid(350.0, 2.5, 9); // 350 … 370
    let step = regular_step(&unwrapped);
    assert_eq!(step, Some(2.5));
    assert_eq!(
        bounding_box(&[1.0, 2.0], &unwrapped, step),
        bbox(-10.0, 1.0, 10.0, 2.0)
    );
    let signed = grid(-10.0, 2.5, 9);
    assert_eq!(
        bounding_box(&[1.0, 2.0], &signed, Some(2.5)),
        bbox(-10.0, 1.0, 10.0, 2.0)
    );
}

#[test]
fn regional_box_across_the_antimeridian_has_west_greater_than_east() {
    let lons = grid(170.0, 2.0, 11); // 170 … 190
    let expected = bbox(170.0, -5.0, -170.0, 5.0);
    assert_eq!(bounding_box(&[-5.0, 5.0], &lons, Some(2.0)), expected);
    let mut wrapped = grid(170.0, 2.0, 6); // 170 … 180
    wrapped.extend(grid(-178.0, 2.0, 5)); // -178 … -170
    assert_eq!(bounding_box(&[-5.0, 5.0], &wrapped, None), expected);
    // Touching the antimeridian from either side does not cross it.
    let east = grid(100.0, 10.0, 9); // 100 … 180
    assert_eq!(
        bounding_box(&[0.0], &east, None),
        bbox(100.0, 0.0, 180.0, 0.0)
    );
    let west = grid(180.0, 10.0, 3); // 180 … 200
    assert_eq!(
        bounding_box(&[0.0], &west, None),
        bbox(-180.0, 0.0, -160.0, 0.0)
    );
}

#[test]
fn hadgem_north_america_and_descending_latitudes() {
    let lons = grid(225.0, 1.875, 49); // 225 … 315, as f32 in the store
    let mut lats = grid(15.0, 1.25, 37);
    lats.reverse();
    assert_eq!(regular_step(&lats), Some(-1.25));
    assert_eq!(
        bounding_box(&lats, &lons, Some(1.875)),
        bbox(-135.0, 15.0, -45.0, 60.0)
    );
}

#[test]
fn cmip6_polar_patches_are_small_boxes() {
    let taiesm1 = [88.11518324607329, 89.05759162303664, 90.0];
    assert_eq!(
        bounding_box(&taiesm1, &[0.0, 1.25], regular_step(&[0.0, 1.25])),
        bbox(0.0, 88.11518324607329, 1.25, 90.0)
    );
    let awi = [88.35700351866494, 89.28422753251365];
    assert_eq!(
        bounding_box(&awi, &[0.0, 0.9375, 1.875], None),
        bbox(0.0, 88.35700351866494, 1.875, 89.28422753251365)
    );
}

/// An ORCA-like tripolar grid, flattened row by row: longitudes start at 73°E and run past
/// 360 (unwrapped), rows shift eastwards, the first column repeats the last, and land is
/// masked.
#[test]
fn curvilinear_orca_like_grid_is_global() {
    let (rows, columns) = (12_u32, 91_u32);
    let mut lons = Vec::new();
    let mut lats = Vec::new();
    for j in 0..rows {
        for i in 0..columns {
            let i = i % 90;
            lons.push(73.0 + 4.0 * f64::from(i) + 0.7 * f64::from(j));
            lats.push(-78.0 + 14.0 * f64::from(j) + 0.01 * f64::from(i));
        }
    }
    for masked in [5, 6, 7, 400, 401] {
        lons[masked] = f64::NAN;
        lats[masked] = f64::NAN;
    }
    let box_ = bounding_box(&lats, &lons, None).expect("a box");
    assert_eq!((box_.west, box_.east), (-180.0, 180.0));
    assert_eq!(box_.south, -78.0);
    assert_eq!(box_.north, -78.0 + 14.0 * 11.0 + 0.01 * 89.0);
    // Half of it (90° of columns wide) is a region.
    let part: Vec<f64> = lons
        .chunks(columns as usize)
        .flat_map(|row| row[..23].to_vec())
        .collect();
    let half = bounding_box(&[0.0], &part, None).expect("a box");
    assert_eq!((half.west, half.east), (73.0, 73.0 + 88.0 + 0.7 * 11.0));
}

#[test]
fn polar_cap_covers_every_longitude() {
    let mut lons = Vec::new();
    let mut lats = Vec::new();
    for ring in 0..5 {
        for k in 0..36 {
            lons.push(-180.0 + 10.0 * f64::from(k) + f64::from(ring));
            lats.push(80.0 + 2.0 * f64::from(ring));
        }
    }
    assert_eq!(
        bounding_box(&lats, &lons, None),
        bbox(-180.0, 80.0, 180.0, 88.0)
    );
}

#[test]
fn stereographic_region_is_a_plain_box() {
    // First and last values of toa-brightness rows: a regional 2-D grid.
    let lons = [
        -101.72200012207031,
        -101.05772399902344,
        -100.35684204101562,
        46.7020149230957,
        10.29924201965332,
        10.602853775024414,
    ];
    let lats = [67.96099853515625, 81.19815063476562, 17.109384536743164];
    assert_eq!(
        bounding_box(&lats, &lons, None),
        bbox(
            -101.72200012207031,
            17.109384536743164,
            46.7020149230957,
            81.19815063476562
        )
    );
}

#[test]
fn degenerate_boxes() {
    assert_eq!(
        bounding_box(&[10.0], &[200.0], None),
        bbox(-160.0, 10.0, -160.0, 10.0)
    );
    assert_eq!(bounding_box(&[], &[1.0], None), None);
    assert_eq!(bounding_box(&[1.0], &[], None), None);
    assert_eq!(bounding_box(&[f64::NAN], &[1.0], None), None);
    assert_eq!(bounding_box(&[1.0], &[f64::NAN], None), None);
    assert_eq!(bounding_box(&[1.0], &[f64::INFINITY], None), None);
    assert_eq!(normalise_longitude(-190.0), 170.0);
    assert_eq!(normalise_longitude(720.5), 0.5);
    assert_eq!(normalise_longitude(350.1), 350.1 - 360.0);
}

#[test]
fn value_range_skips_nan() {
    assert_eq!(value_range(&[3.0, f64::NAN, -1.0, 2.0]), Some([-1.0, 3.0]));
    assert_eq!(value_range(&[f64::NAN]), None);
    assert_eq!(value_range(&[]), None);
}

#[test]
fn regular_steps() {
    assert_eq!(regular_step(&grid(0.0, 1.875, 192)), Some(1.875));
    assert_eq!(regular_step(&[90.0, 45.0, 0.0, -45.0, -90.0]), Some(-45.0));
    let tenths: Vec<f64> = (0..100).map(|i| f64::from(i) / 10.0).collect();
    assert_eq!(regular_step(&tenths), Some(9.9 / 99.0));
    assert_eq!(regular_step(&[1.0, 2.0, 4.0]), None);
    assert_eq!(regular_step(&[1.0, 2.0 + 1e-5, 3.0]), None);
    assert!(regular_step(&[1.0, 2.0 + 1e-7, 3.0]).is_some());
    assert_eq!(regular_step(&[1.0]), None);
    assert_eq!(regular_step(&[]), None);
    assert_eq!(regular_step(&[1.0, 1.0, 1.0]), None);
    assert_eq!(regular_step(&[1.0, f64::NAN, 3.0]), None);
    // hybrid-height's float32 level heights are not evenly spaced.
    let level_height = [5.0, 21.666664123535156, 45.0, 75.0, 111.66667938232422];
    assert_eq!(regular_step(&level_height), None);
    // The f32 tolerance does not hide a real irregularity.
    let mut lons: Vec<f64> = (0..216u16)
        .map(|i| f64::from(f32::from(i) * (360.0_f32 / 216.0)))
        .collect();
    lons[100] += 0.01;
    assert_eq!(regular_step(&lons), None);
}

#[test]
fn monotonic_values() {
    assert!(is_monotonic(&[1.0, 2.0, 2.0, 3.0]));
    assert!(is_monotonic(&[3.0, 2.0, -1.0]));
    assert!(is_monotonic(&[5.0]));
    assert!(is_monotonic(&[]));
    assert!(!is_monotonic(&[1.0, 3.0, 2.0]));
    assert!(!is_monotonic(&[1.0, f64::NAN, 2.0]));
    assert!(!is_monotonic(&[f64::NAN]));
}

fn time_attrs(units: &str, calendar: Option<&str>) -> Attributes {
    let mut map = attrs(json!({"standard_name": "time", "units": units}));
    if let Some(calendar) = calendar {
        map.insert("calendar".into(), json!(calendar));
    }
    map
}

fn extent(start: &str, end: &str, calendar: &str, units: &str, step: Option<&str>) -> TimeExtent {
    TimeExtent {
        start: start.into(),
        end: end.into(),
        calendar: calendar.into(),
        units: units.into(),
        step: step.map(Into::into),
    }
}

#[test]
fn monthly_noleap_time_extent() {
    // taiesm1: the first 12 of 780 mid-month values and the last one.
    let chunk = [
        711400.5, 711430.0, 711459.5, 711490.0, 711520.5, 711551.0, 711581.5, 711612.5, 711643.0,
        711673.5, 711704.0, 711734.5,
    ];
    let units = "days since 0001-01-01";
    let got = time_extent(&chunk, Some(735094.5), &time_attrs(units, Some("365_day")));
    let expected = extent(
        "1950-01-16T12:00:00",
        "2014-12-16T12:00:00",
        "noleap",
        units,
        Some("P1M"),
    );
    assert_eq!(got, Ok(Some(expected)));
}

#[test]
fn decadal_360_day_time_extent() {
    // hadgem2-ao: every 10th annual mean, stamped on 1 June.
    let chunk = grid(-946800.0, 86400.0, 12);
    let units = "hours since 1970-01-01";
    let got = time_extent(&chunk, Some(1040400.0), &time_attrs(units, Some("360_day")));
    let expected = extent(
        "1860-06-01T00:00:00",
        "2090-06-01T00:00:00",
        "360_day",
        units,
        Some("P10Y"),
    );
    assert_eq!(got, Ok(Some(expected)));
}

#[test]
fn monthly_standard_time_extents() {
    // ostia: the whole coordinate in one chunk.
    let chunk = [
        324708.0, 325416.0, 326124.0, 326856.0, 327588.0, 328320.0, 329052.0, 329796.0, 330528.0,
        331260.0, 331992.0, 332724.0,
    ];
    let units = "hours since 1970-01-01";
    let got = time_extent(&chunk, None, &time_attrs(units, Some("gregorian")));
    let expected = extent(
        "2007-01-16T12:00:00",
        "2007-12-16T12:00:00",
        "standard",
        units,
        Some("P1M"),
    );
    assert_eq!(got, Ok(Some(expected)));
    // soi-darwin: int64 days on the first of each month; no calendar means standard.
    let chunk = [24106.0, 24137.0, 24165.0, 24196.0, 24226.0, 24257.0];
    let units = "days since 1800-01-01";
    let got = time_extent(&chunk, Some(78131.0), &time_attrs(units, None));
    let expected = extent(
        "1866-01-01T00:00:00",
        "2013-12-01T00:00:00",
        "standard",
        units,
        Some("P1M"),
    );
    assert_eq!(got, Ok(Some(expected)));
    // awi-cm-1-1-mr: proleptic_gregorian.
    let chunk = [36539.5, 36569.0, 36598.5];
    let units = "days since 1850-01-01";
    let attributes = time_attrs(units, Some("proleptic_gregorian"));
    let got = time_extent(&chunk, Some(60249.5), &attributes).map(|e| e.map(|e| (e.start, e.end)));
    assert_eq!(
        got,
        Ok(Some((
            "1950-01-16T12:00:00".into(),
            "2014-12-16T12:00:00".into()
        )))
    );
}

#[test]
fn scalar_unsorted_and_masked_times() {
    // orca2 time_counter, a scalar placeholder.
    let units = "seconds since 0001-01-01";
    let got = time_extent(&[43200.0], None, &time_attrs(units, Some("360_day")));
    let expected = extent(
        "0001-01-01T12:00:00",
        "0001-01-01T12:00:00",
        "360_day",
        units,
        None,
    );
    assert_eq!(got, Ok(Some(expected)));
    let units = "days since 2000-01-01";
    let attributes = time_attrs(units, Some("noleap"));
    let got = time_extent(&[5.0, f64::NAN, 1.0, 3.0], None, &attributes);
    let expected = extent(
        "2000-01-02T00:00:00",
        "2000-01-06T00:00:00",
        "noleap",
        units,
        None,
    );
    assert_eq!(got, Ok(Some(expected)));
    // Descending, with the last value beyond the chunk.
    let got = time_extent(&[10.0, 9.0, 8.0], Some(0.0), &attributes);
    let ends = got.map(|e| e.map(|e| (e.start, e.end, e.step)));
    assert_eq!(
        ends,
        Ok(Some((
            "2000-01-01T00:00:00".into(),
            "2000-01-11T00:00:00".into(),
            None
        )))
    );
    assert_eq!(time_extent(&[f64::NAN], None, &attributes), Ok(None));
    assert_eq!(time_extent(&[], None, &attributes), Ok(None));
    assert_eq!(time_extent(&[1.0], None, &Attributes::new()), Ok(None));
}

#[test]
fn time_extent_errors_name_the_attribute_value() {
    let error =
        |attributes: Attributes| time_extent(&[1.0, 2.0], None, &attributes).expect_err("an error");
    let message = error(time_attrs("days since 2000-01-01", Some("lunar")));
    assert!(message.contains("\"lunar\""), "{message}");
    let message = error(time_attrs("days after 2000-01-01", None));
    assert!(message.contains("\"days after 2000-01-01\""), "{message}");
    let message = error(time_attrs("fortnights since 2000-01-01", None));
    assert!(message.contains("fortnights"), "{message}");
    let message = error(time_attrs("months since 2000-01-01", Some("standard")));
    assert!(message.contains("months since 2000-01-01"), "{message}");
    let message = error(attrs(json!({"units": 5})));
    assert!(message.contains('5'), "{message}");
    let message = error(attrs(
        json!({"units": "days since 2000-01-01", "calendar": 360}),
    ));
    assert!(message.contains("360"), "{message}");
    // months do decode in 360_day.
    let attributes = time_attrs("months since 2000-01-01", Some("360_day"));
    assert!(time_extent(&[1.0, 2.0], None, &attributes).is_ok());
}

#[test]
fn vertical_extents() {
    let plev = attrs(
        json!({"axis": "Z", "units": "Pa", "standard_name": "air_pressure",
        "positive": "down"}),
    );
    let expected = VerticalExtent {
        dimension: "plev".into(),
        extent: [92500.0, 100000.0],
        units: Some("Pa".into()),
        positive: Some("down".into()),
    };
    assert_eq!(
        vertical_extent("plev", &[100000.0, 92500.0], &plev),
        Some(expected)
    );
    // hybrid-height: level_height on dimension model_level_number.
    let level_height = attrs(json!({"axis": "Z", "units": "m", "positive": "UP"}));
    let got = vertical_extent("model_level_number", &[5.0, f64::NAN, 845.0], &level_height)
        .expect("an extent");
    assert_eq!(
        (got.extent, got.positive.as_deref()),
        ([5.0, 845.0], Some("up"))
    );
    let hpa = attrs(json!({"units": "hPa"}));
    let got = vertical_extent("lev", &[850.0], &hpa).expect("an extent");
    assert_eq!(
        got.positive.as_deref(),
        Some("down"),
        "pressure implies down"
    );
    let got = vertical_extent("lev", &[1.0], &Attributes::new()).expect("an extent");
    assert_eq!((got.units, got.positive), (None, None));
    assert_eq!(vertical_extent("lev", &[f64::NAN], &hpa), None);
}
