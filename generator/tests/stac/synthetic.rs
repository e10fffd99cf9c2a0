//! A synthetic library for the STAC tests: many datasets and stores, built in memory.

use std::collections::BTreeMap;

use almanac_model::{
    ArrayFacts, Axis, BoundingBox, Crawl, Dataset, DimensionFacts, Feedstock, Library, License,
    Store, StoreFacts, StoreScheme, TimeExtent, VariableRole,
};

/// `datasets` datasets of `stores` stores each: one variable on a small grid, each store a
/// year of its own (so more than one store makes them Items), with a store across the
/// antimeridian and one in the 360_day calendar.
pub fn synthetic_library(datasets: usize, stores: usize) -> Library {
    let store = |d: usize, s: usize| {
        let year = 1850 + s % 8000;
        let calendar = if s % 7 == 3 { "360_day" } else { "standard" };
        let west = if s % 11 == 5 { 170.0 } else { -10.0 };
        let facts = StoreFacts {
            zarr_format: 3,
            consolidated: true,
            groups: vec![String::new()],
            arrays: vec![ArrayFacts {
                path: "tas".into(),
                role: Some(VariableRole::Data),
                dimensions: vec!["time".into(), "lat".into(), "lon".into()],
                shape: vec![12, 4, 4],
                chunks: vec![12, 4, 4],
                dtype: "float32".into(),
                units: Some("K".into()),
                standard_name: Some("air_temperature".into()),
                ..ArrayFacts::default()
            }],
            dimensions: vec![
                dimension("lat", Axis::Y, Some([-5.0, 5.0]), "degrees_north"),
                dimension("lon", Axis::X, Some([west, 20.0]), "degrees_east"),
                dimension("member", Axis::Other, None, "1"),
                dimension("time", Axis::T, Some([0.0, 330.0]), "days since 1850-01-01"),
            ],
            time: Some(TimeExtent {
                start: format!("{year:04}-01-16T00:00:00"),
                end: format!("{year:04}-12-16T00:00:00"),
                calendar: calendar.into(),
                units: "days since 1850-01-01".into(),
                step: Some("P1M".into()),
            }),
            bbox: Some(BoundingBox {
                west,
                south: -5.0,
                east: 20.0,
                north: 5.0,
            }),
            uncompressed_bytes: 768,
            chunk_count: 1,
            ..StoreFacts::default()
        };
        Store {
            id: format!("m{s:06}"),
            name: Some(format!("Member {s} of dataset {d}")),
            url: format!("s3://bucket/d{d}/m{s}.zarr"),
            scheme: StoreScheme::S3,
            local_path: None,
            description: None,
            public: Some(true),
            source: None,
            source_url: None,
            xarray_open_kwargs: BTreeMap::new(),
            extra: BTreeMap::new(),
            crawl: Some(Crawl::Ok {
                facts: Box::new(facts),
            }),
            needs_credentials: false,
            access: None,
        }
    };
    Library {
        datasets: (0..datasets)
            .map(|d| Dataset {
                id: format!("d{d:05}"),
                source_file: format!("datasets/d{d:05}/meta.yaml"),
                title: format!("Dataset {d}"),
                description: "A synthetic dataset.".into(),
                tags: vec!["synthetic".into()],
                license: License {
                    spdx: Some("CC-BY-4.0".into()),
                    text: "CC-BY-4.0".into(),
                    url: Some("https://creativecommons.org/licenses/by/4.0/".into()),
                    link_title: None,
                },
                providers: Vec::new(),
                maintainers: Vec::new(),
                stores: (0..stores).map(|s| store(d, s)).collect(),
                links: Vec::new(),
                doi: Some("10.5281/zenodo.1234".into()),
                citations: Vec::new(),
                thumbnail: Some("https://example.org/thumb.png".into()),
                acknowledgements: None,
                feedstock: Feedstock::default(),
                extra: BTreeMap::new(),
            })
            .collect(),
        ..Library::default()
    }
}

fn dimension(name: &str, axis: Axis, extent: Option<[f64; 2]>, units: &str) -> DimensionFacts {
    DimensionFacts {
        name: name.into(),
        size: 4,
        axis,
        extent,
        step: extent.map(|_| 1.0),
        units: Some(units.into()),
    }
}
