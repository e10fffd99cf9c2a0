//! Where a remote store is hosted, for the storage extension v2 (`storage:schemes`, one Storage
//! Scheme Object per bucket or host, each with the `type` and `platform` the extension requires)
//! and for fsspec (`xarray:storage_options`), from the store URL and its `[[crawl.stores]]`
//! settings (endpoint, region, anonymous, requester pays).
//!
//! Types: `aws-s3`, `custom-s3` and `ms-azure` are the ones the extension defines (with fixed
//! platform templates for AWS and Azure); Google Cloud Storage is `gcs` and a plain web server
//! is `https` or `http`, named as fsspec and object_store name those protocols.

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
    // An endpoint in almanac.toml is published here: never with credentials.
    let public_endpoint = config
        .endpoint
        .as_deref()
        .map(|e| crate::credentials::public_url(e).url);
    let endpoint = public_endpoint.as_deref().map(|e| e.trim_end_matches('/'));
    let mut scheme = Map::new();
    let key;
    match store.scheme {
        StoreScheme::File => return None,
        StoreScheme::S3 => {
            if let Some(endpoint) = endpoint {
                key = format!("s3-{}-{host}", host_of(endpoint));
                scheme.insert("type".into(), json!("custom-s3"));
                scheme.insert(
                    "title".into(),
                    json!(format!("S3-compatible storage at {endpoint}")),
                );
                scheme.insert("platform".into(), json!(endpoint));
                if let Some(region) = &config.region {
                    scheme.insert("region".into(), json!(region));
                }
            } else {
                key = format!("aws-s3-{host}");
                scheme.insert("title".into(), json!("Amazon S3"));
                if is_aws_bucket(host) {
                    // The extension fixes the platform of `aws-s3` to this template.
                    scheme.insert("type".into(), json!("aws-s3"));
                    scheme.insert(
                        "platform".into(),
                        json!("https://{bucket}.s3.{region}.amazonaws.com"),
                    );
                } else {
                    // A legacy bucket name (capitals, underscores) that the `aws-s3`
                    // pattern rejects: described as generic S3 at the path-style endpoint.
                    scheme.insert("type".into(), json!("custom-s3"));
                    scheme.insert("platform".into(), json!("https://s3.amazonaws.com"));
                }
                if let Some(region) = config.region.as_ref().filter(|r| is_aws_region(r)) {
                    scheme.insert("region".into(), json!(region));
                }
            }
            scheme.insert("bucket".into(), json!(host));
        }
        StoreScheme::Gcs => {
            key = format!("gcs-{host}");
            scheme.insert("type".into(), json!("gcs"));
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
                    // Not `ms-azure`, whose platform is fixed to Azure's own hosts.
                    scheme.insert("type".into(), json!("custom-azure"));
                    scheme.insert("platform".into(), json!(endpoint));
                }
                (None, Some(account)) => {
                    scheme.insert("type".into(), json!("ms-azure"));
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
                scheme.insert("type".into(), json!("custom-s3"));
                scheme.insert(
                    "title".into(),
                    json!(format!("S3-compatible storage at {endpoint}")),
                );
                scheme.insert("platform".into(), json!(endpoint));
                scheme.insert("bucket".into(), json!(bucket));
            } else {
                key = format!("https-{host}");
                scheme.insert("type".into(), json!(scheme_part.to_ascii_lowercase()));
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
                    Field::String(
                        crate::credentials::public_url(endpoint.trim_end_matches('/')).url,
                    ),
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

/// A bucket name the `aws-s3` platform schema accepts (AWS's naming rules).
fn is_aws_bucket(name: &str) -> bool {
    let bytes = name.as_bytes();
    let inner = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (3..=63).contains(&bytes.len())
        && bytes.first().is_some_and(inner)
        && bytes.last().is_some_and(inner)
        && bytes.iter().all(|b| inner(b) || *b == b'-' || *b == b'.')
}

/// A region name the `aws-s3` platform schema accepts.
fn is_aws_region(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
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
            needs_credentials: false,
            access: None,
        }
    }

    #[test]
    fn endpoints_are_published_without_credentials() {
        let settings = CrawlSettings {
            stores: vec![StoreSettings {
                prefix: "s3://bucket/".into(),
                endpoint: Some("https://minio-user:minio-pass-fake@minio.example.org/".into()),
                ..StoreSettings::default()
            }],
            ..CrawlSettings::default()
        };
        let s3 = store("s3://bucket/x.zarr", StoreScheme::S3);
        let access = access(&s3, &settings).expect("access");
        assert_eq!(access.scheme["platform"], "https://minio.example.org");
        let options = storage_options(&s3, &settings);
        let shown = format!("{access:?} {options:?}");
        assert!(
            !shown.contains("fake") && !shown.contains("minio-user"),
            "{shown}"
        );
        assert!(shown.contains("https://minio.example.org"), "{shown}");
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

        assert_eq!(osn.scheme["type"], "custom-s3");
        assert_eq!(gcs.scheme["type"], "gcs");

        let s3 = access(&store("s3://bucket/x.zarr", StoreScheme::S3), &settings).expect("s3");
        assert_eq!(s3.scheme["type"], "aws-s3");
        assert_eq!(
            s3.scheme["platform"],
            "https://{bucket}.s3.{region}.amazonaws.com"
        );
        let legacy = access(&store("s3://Old_Bucket/x.zarr", StoreScheme::S3), &settings)
            .expect("legacy bucket");
        assert_eq!(legacy.scheme["type"], "custom-s3");
        let azure = access(
            &store(
                "abfs://data@account1.dfs.core.windows.net/x.zarr",
                StoreScheme::Azure,
            ),
            &settings,
        )
        .expect("azure");
        assert_eq!(azure.scheme["type"], "ms-azure");
        assert_eq!(azure.scheme["account"], "account1");
        let web = access(
            &store("https://example.org/x.zarr", StoreScheme::Http),
            &settings,
        )
        .expect("web server");
        assert_eq!(web.scheme["type"], "https");
        assert!(access(&store("../x.zarr", StoreScheme::File), &settings).is_none());
    }
}
