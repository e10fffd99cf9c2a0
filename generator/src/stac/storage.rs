//! Where a remote store is hosted, for the storage extension (`storage:schemes`, one Storage
//! Scheme Object per bucket or host) and for fsspec (`xarray:storage_options`), from the store
//! URL and its `[[crawl.stores]]` settings (endpoint, region, anonymous, requester pays).

use std::collections::BTreeMap;

use almanac_model::{Store, StoreScheme, Value as Field};
use serde_json::{Map, Value, json};

use crate::crawl::location::CrawlSettings;

/// How one store is reached: its scheme key and object, and fsspec options.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    /// Key in `storage:schemes`.
    pub key: String,
    /// The Storage Scheme Object.
    pub scheme: Value,
    /// `xarray:storage_options` for fsspec, when it needs any.
    pub storage_options: Option<Value>,
}

/// The access details of `store`; `None` for local stores and URLs that name no host.
pub fn access(store: &Store, settings: &CrawlSettings) -> Option<Access> {
    let config = settings.settings_for(&store.url);
    let (scheme_part, rest) = store.url.split_once("://")?;
    let host = rest.split('/').next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    if host.is_empty() {
        return None;
    }
    let endpoint = config.endpoint.as_deref().map(|e| e.trim_end_matches('/'));
    let mut scheme = Map::new();
    let key;
    match store.scheme {
        StoreScheme::File => return None,
        StoreScheme::S3 => {
            if let Some(endpoint) = endpoint {
                key = format!("s3-{}-{host}", host_of(endpoint));
                scheme.insert(
                    "title".into(),
                    json!(format!("S3-compatible storage at {endpoint}")),
                );
                scheme.insert("platform".into(), json!(endpoint));
            } else {
                key = format!("aws-s3-{host}");
                scheme.insert("title".into(), json!("Amazon S3"));
                match &config.region {
                    Some(region) => {
                        scheme.insert(
                            "platform".into(),
                            json!("https://{bucket}.s3.{region}.amazonaws.com"),
                        );
                        scheme.insert("region".into(), json!(region));
                    }
                    None => {
                        scheme.insert(
                            "platform".into(),
                            json!("https://{bucket}.s3.amazonaws.com"),
                        );
                    }
                }
            }
            scheme.insert("bucket".into(), json!(host));
        }
        StoreScheme::Gcs => {
            key = format!("gcs-{host}");
            scheme.insert("title".into(), json!("Google Cloud Storage"));
            scheme.insert("platform".into(), json!("https://storage.googleapis.com"));
            scheme.insert("bucket".into(), json!(host));
        }
        StoreScheme::Azure => {
            // `abfs://container@account.dfs.core.windows.net/…` names the account.
            let authority = rest.split('/').next().unwrap_or_default();
            let (container, account) = match authority.split_once('@') {
                Some((container, host)) => (container, host.split('.').next()),
                None => (authority, None),
            };
            key = format!("azure-{container}");
            scheme.insert("title".into(), json!("Azure Blob Storage"));
            match (endpoint, account) {
                (Some(endpoint), _) => {
                    scheme.insert("platform".into(), json!(endpoint));
                }
                (None, Some(account)) => {
                    scheme.insert(
                        "platform".into(),
                        json!("https://{account}.blob.core.windows.net"),
                    );
                    scheme.insert("account".into(), json!(account));
                }
                (None, None) => return None,
            }
            scheme.insert("container".into(), json!(container));
        }
        StoreScheme::Http => {
            let base = format!("{scheme_part}://{host}");
            if let Some(endpoint) = endpoint.filter(|e| store.url.starts_with(*e)) {
                // Read as S3 (the Open Storage Network): the first path segment is the bucket.
                let bucket = store.url[endpoint.len()..]
                    .trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or_default();
                key = format!("s3-{}-{bucket}", host_of(endpoint));
                scheme.insert(
                    "title".into(),
                    json!(format!("S3-compatible storage at {endpoint}")),
                );
                scheme.insert("platform".into(), json!(endpoint));
                scheme.insert("bucket".into(), json!(bucket));
            } else {
                key = format!("https-{host}");
                scheme.insert("title".into(), json!(format!("HTTP server {host}")));
                scheme.insert("platform".into(), json!(base));
            }
        }
    }
    if let Some(pays) = config.requester_pays {
        scheme.insert("requester_pays".into(), json!(pays));
    }
    if let Some(anonymous) = config.anonymous.or(store.public) {
        scheme.insert("anonymous".into(), json!(anonymous));
    }
    let options = storage_options(store, settings);
    Some(Access {
        key,
        scheme: Value::Object(scheme),
        storage_options: (!options.is_empty()).then(|| json!(options)),
    })
}

/// fsspec `storage_options` for the store: the STAC asset's `xarray:storage_options` and the
/// dataset page's xarray snippet.
#[must_use]
pub fn storage_options(store: &Store, crawl: &CrawlSettings) -> BTreeMap<String, Field> {
    let settings = crawl.settings_for(&store.url);
    let anonymous = settings.anonymous.or(store.public).unwrap_or(false);
    let mut options = BTreeMap::new();
    match store.scheme {
        StoreScheme::S3 => {
            if anonymous {
                options.insert("anon".into(), Field::Bool(true));
            }
            if let Some(endpoint) = &settings.endpoint {
                options.insert(
                    "endpoint_url".into(),
                    Field::String(endpoint.trim_end_matches('/').to_owned()),
                );
            }
            if settings.requester_pays == Some(true) {
                options.insert("requester_pays".into(), Field::Bool(true));
            }
        }
        StoreScheme::Gcs => {
            if anonymous {
                options.insert("token".into(), Field::String("anon".into()));
            }
            if settings.requester_pays == Some(true) {
                options.insert("requester_pays".into(), Field::Bool(true));
            }
        }
        StoreScheme::Azure => {
            let authority = store
                .url
                .split_once("://")
                .map_or("", |(_, rest)| rest.split('/').next().unwrap_or_default());
            if let Some((_, host)) = authority.split_once('@')
                && let Some(account) = host.split('.').next()
            {
                options.insert("account_name".into(), Field::String(account.to_owned()));
            }
            if anonymous {
                options.insert("anon".into(), Field::Bool(true));
            }
        }
        StoreScheme::File | StoreScheme::Http => {}
    }
    options
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::location::StoreSettings;

    fn store(url: &str, scheme: StoreScheme) -> Store {
        Store {
            id: "s".into(),
            name: None,
            url: url.into(),
            scheme,
            local_path: None,
            description: None,
            public: Some(true),
            source: None,
            source_url: None,
            xarray_open_kwargs: Default::default(),
            extra: Default::default(),
            crawl: None,
        }
    }

    #[test]
    fn schemes() {
        let settings = CrawlSettings {
            stores: vec![StoreSettings {
                prefix: "https://nyu1.osn.mghpcc.org/".into(),
                endpoint: Some("https://nyu1.osn.mghpcc.org".into()),
                anonymous: Some(true),
                ..StoreSettings::default()
            }],
            ..CrawlSettings::default()
        };
        let osn = access(
            &store(
                "https://nyu1.osn.mghpcc.org/leap-pangeo-manual/GOTM/a.zarr",
                StoreScheme::Http,
            ),
            &settings,
        )
        .expect("osn");
        assert_eq!(osn.key, "s3-nyu1.osn.mghpcc.org-leap-pangeo-manual");
        assert_eq!(osn.scheme["platform"], "https://nyu1.osn.mghpcc.org");
        assert_eq!(osn.scheme["bucket"], "leap-pangeo-manual");
        assert_eq!(osn.scheme["anonymous"], true);

        let gcs = access(&store("gs://cmip6/a/b.zarr", StoreScheme::Gcs), &settings).expect("gcs");
        assert_eq!(gcs.key, "gcs-cmip6");
        assert_eq!(gcs.storage_options, Some(json!({"token": "anon"})));

        let s3 = access(&store("s3://bucket/x.zarr", StoreScheme::S3), &settings).expect("s3");
        assert_eq!(s3.scheme["platform"], "https://{bucket}.s3.amazonaws.com");
        assert!(access(&store("../x.zarr", StoreScheme::File), &settings).is_none());
    }
}
