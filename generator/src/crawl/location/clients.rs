//! The object_store clients behind remote locations, for the crawl stage: S3 (AWS and
//! S3-compatible endpoints), Google Cloud Storage, Azure and plain HTTP, each configured from
//! the environment's variables and then from the `[[crawl.stores]]` settings that apply.

use std::sync::Arc;
use std::time::Duration;

use almanac_model::StoreScheme;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
use object_store::http::HttpBuilder;
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, RetryConfig};

use super::url::{UrlParts, error_chain, parse_url_key};
use super::{CrawlSettings, Environment, StoreSettings, prefix_matches};

pub(super) type Built = Result<Arc<dyn ObjectStore>, String>;

/// Request limits: each request gets `timeout_seconds`, and no retry starts once that much time
/// has passed since the first attempt.
pub(super) fn retry(settings: &CrawlSettings) -> RetryConfig {
    RetryConfig {
        max_retries: settings.retries,
        retry_timeout: Duration::from_secs(settings.timeout_seconds),
        ..RetryConfig::default()
    }
}

pub(super) fn client_options(settings: &CrawlSettings, store: &StoreSettings) -> ClientOptions {
    let timeout = Duration::from_secs(settings.timeout_seconds.max(1));
    let http_endpoint = store
        .endpoint
        .as_deref()
        .is_some_and(|e| e.starts_with("http://"));
    ClientOptions::new()
        .with_timeout(timeout)
        .with_connect_timeout(timeout.min(Duration::from_secs(5)))
        .with_allow_http(store.allow_http == Some(true) || http_endpoint)
}

pub(super) fn s3(
    bucket: &str,
    environment: &Environment,
    store: &StoreSettings,
    options: ClientOptions,
    retry: RetryConfig,
) -> Built {
    let mut builder = AmazonS3Builder::new().with_client_options(options);
    for (key, value) in environment.with_prefix("AWS_") {
        if let Ok(key) = key.parse::<AmazonS3ConfigKey>() {
            builder = builder.with_config(key, value);
        }
    }
    let region = store
        .region
        .as_deref()
        .or_else(|| environment.get("AWS_REGION"))
        .or_else(|| environment.get("AWS_DEFAULT_REGION"))
        .unwrap_or("us-east-1");
    builder = builder
        .with_bucket_name(bucket)
        .with_region(region)
        .with_retry(retry);
    if let Some(endpoint) = &store.endpoint {
        builder = builder
            .with_endpoint(endpoint.trim_end_matches('/'))
            .with_virtual_hosted_style_request(false);
    }
    let signed = environment.has_credentials(
        "AWS_",
        &[
            "ACCESS_KEY_ID",
            "WEB_IDENTITY_TOKEN_FILE",
            "CONTAINER_CREDENTIALS",
        ],
    );
    if store.anonymous.unwrap_or(!signed) {
        builder = builder.with_skip_signature(true);
    }
    if store.requester_pays == Some(true) {
        builder = builder.with_request_payer(true);
    }
    builder
        .build()
        .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        .map_err(|e| error_chain(&e))
}

pub(super) fn gcs(
    bucket: &str,
    environment: &Environment,
    store: &StoreSettings,
    options: ClientOptions,
    retry: RetryConfig,
) -> Built {
    let mut builder = GoogleCloudStorageBuilder::new().with_client_options(options);
    if let Some(path) = environment.get("SERVICE_ACCOUNT") {
        builder = builder.with_service_account_path(path);
    }
    for (key, value) in environment.with_prefix("GOOGLE_") {
        if let Ok(key) = key.parse::<GoogleConfigKey>() {
            builder = builder.with_config(key, value);
        }
    }
    builder = builder.with_bucket_name(bucket).with_retry(retry);
    if let Some(endpoint) = &store.endpoint {
        builder = builder.with_base_url(endpoint.trim_end_matches('/'));
    }
    let signed = environment.get("SERVICE_ACCOUNT").is_some()
        || environment.has_credentials(
            "GOOGLE_",
            &["SERVICE_ACCOUNT", "APPLICATION_CREDENTIALS", "BEARER"],
        );
    if store.anonymous.unwrap_or(!signed) {
        builder = builder.with_skip_signature(true);
    }
    builder
        .build()
        .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        .map_err(|e| error_chain(&e))
}

pub(super) fn azure(
    url: &str,
    environment: &Environment,
    store: &StoreSettings,
    options: ClientOptions,
    retry: RetryConfig,
) -> Built {
    let mut builder = MicrosoftAzureBuilder::new().with_client_options(options);
    for (key, value) in environment.with_prefix("AZURE_") {
        if let Ok(key) = key.parse::<AzureConfigKey>() {
            builder = builder.with_config(key, value);
        }
    }
    if let Some(endpoint) = environment.get("IDENTITY_ENDPOINT") {
        builder = builder.with_msi_endpoint(endpoint);
    }
    builder = builder.with_url(url).with_retry(retry);
    if let Some(endpoint) = &store.endpoint {
        builder = builder.with_endpoint(endpoint.trim_end_matches('/').to_owned());
    }
    if store.allow_http == Some(true) {
        builder = builder.with_allow_http(true);
    }
    let signed = environment.has_credentials(
        "AZURE_",
        &[
            "KEY",
            "SECRET",
            "SAS",
            "TOKEN",
            "FEDERATED",
            "USE_AZURE_CLI",
            "EMULATOR",
        ],
    );
    if store.anonymous.unwrap_or(!signed) {
        builder = builder.with_skip_signature(true);
    }
    builder
        .build()
        .map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
        .map_err(|e| error_chain(&e))
}

/// `http(s)://`: a plain HTTP store (no listing) rooted at the origin, or S3 when the settings
/// name an endpoint this URL starts with.
pub(super) fn http_or_s3(
    parts: &UrlParts<'_>,
    environment: &Environment,
    store: &StoreSettings,
    options: ClientOptions,
    retry: RetryConfig,
) -> Result<(Arc<dyn ObjectStore>, Path, StoreScheme), String> {
    let origin = format!("{}://{}", parts.scheme, parts.authority);
    if let Some(endpoint) = &store.endpoint
        && prefix_matches(endpoint.trim_end_matches('/'), &parts.original)
    {
        let endpoint_path = endpoint
            .trim_end_matches('/')
            .strip_prefix(&origin)
            .unwrap_or_default();
        let rest = parts.path.strip_prefix(endpoint_path).unwrap_or(parts.path);
        let rest = rest.trim_start_matches('/');
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("no bucket after the S3 endpoint {endpoint}"));
        }
        let key = parse_url_key(key)?;
        let store = s3(bucket, environment, store, options, retry)?;
        return Ok((store, key, StoreScheme::S3));
    }
    if parts.scheme == "http" && store.allow_http != Some(true) {
        return Err(
            "plain http is not allowed: add allow_http = true to a [[crawl.stores]] entry whose prefix matches this URL"
                .to_owned(),
        );
    }
    let base = match parts.query {
        Some(query) => format!("{origin}/?{query}"),
        None => origin,
    };
    let key = parse_url_key(parts.path)?;
    let store = HttpBuilder::new()
        .with_url(base)
        .with_client_options(options)
        .with_retry(retry)
        .build()
        .map_err(|e| error_chain(&e))?;
    Ok((Arc::new(store), key, StoreScheme::Http))
}
