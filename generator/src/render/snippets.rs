//! Copy-paste code for opening a store — xarray with the fsspec storage options its URL needs
//! (anonymous S3 and GCS, S3-compatible endpoints, requester pays, Azure accounts) and the
//! store's `xarray_open_kwargs`; pystac + xpystac from the STAC asset — and the "Open in
//! JupyterHub" (nbgitpuller) and Binder links of a feedstock repository.

use std::collections::BTreeMap;

use almanac_model::{Store, StoreScheme, Value};

use crate::crawl::location::CrawlSettings;

/// A value as a Python literal.
fn python(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Integer(n) => n.to_string(),
        Value::Float(f) if f.is_finite() => format!("{f:?}"),
        Value::Float(_) => "float(\"nan\")".into(),
        Value::String(s) => string(s),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(python).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(map) => dict(map),
    }
}

/// A Python string literal (JSON's escapes are Python's).
fn string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn dict(map: &BTreeMap<String, Value>) -> String {
    format!(
        "{{{}}}",
        map.iter()
            .map(|(k, v)| format!("{}: {}", string(k), python(v)))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `import xarray as xr` and the call that opens the store.
#[must_use]
pub fn xarray(store: &Store, crawl: &CrawlSettings) -> String {
    let url = match (&store.local_path, store.scheme) {
        (Some(local), StoreScheme::File) => local.clone(),
        _ => crate::crawl::location::redact_url(&store.url),
    };
    let mut arguments = vec![string(&url)];
    let options = crate::stac::storage::storage_options(store, crawl);
    let mut kwargs = store.xarray_open_kwargs.clone();
    let engine = kwargs.remove("engine");
    if !options.is_empty() {
        arguments.push(format!("storage_options={}", dict(&options)));
    }
    for (key, value) in &kwargs {
        if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !key.is_empty() {
            arguments.push(format!("{key}={}", python(value)));
        }
    }
    let call = match engine {
        Some(engine) if engine.as_str() != Some("zarr") => {
            arguments.insert(1, format!("engine={}", python(&engine)));
            "xr.open_dataset"
        }
        _ => "xr.open_zarr",
    };
    let mut code = String::from("import xarray as xr\n\n");
    if store.scheme == StoreScheme::File {
        code.push_str("# a path relative to the library's content folder\n");
    }
    code.push_str(&format!("ds = {call}(\n"));
    for argument in arguments {
        code.push_str(&format!("    {argument},\n"));
    }
    code.push_str(")\n");
    code
}

/// Opening the store from its STAC asset with pystac and xpystac.
#[must_use]
pub fn pystac(stac_url: &str, absolute: bool, item: bool, asset_key: &str) -> String {
    let mut code = String::from("import pystac\nimport xarray as xr  # with xpystac installed\n\n");
    if !absolute {
        code.push_str("# the address of this site, followed by:\n");
    }
    let kind = if item { "Item" } else { "Collection" };
    let name = if item { "item" } else { "collection" };
    code.push_str(&format!(
        "{name} = pystac.{kind}.from_file({})\nds = xr.open_dataset({name}.assets[{}], engine=\"stac\")\n",
        string(stac_url),
        string(asset_key)
    ));
    code
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The nbgitpuller link that clones `repository` into the user's JupyterHub and opens it.
#[must_use]
pub fn hub_link(hub_url: &str, repository: &str) -> String {
    let hub = if hub_url.ends_with('/') {
        hub_url.to_owned()
    } else {
        format!("{hub_url}/")
    };
    let repository = repository.trim_end_matches('/').trim_end_matches(".git");
    let name = repository.rsplit('/').next().unwrap_or_default();
    format!(
        "{hub}hub/user-redirect/git-pull?repo={}&urlpath={}",
        encode(repository),
        encode(&format!("lab/tree/{name}/"))
    )
}

/// The Binder link of a GitHub repository; `None` for other hosts.
#[must_use]
pub fn binder_link(binder_url: &str, repository: &str) -> Option<String> {
    let path = repository
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .strip_prefix("https://github.com/")?;
    let mut parts = path.split('/');
    let (owner, repo) = (parts.next()?, parts.next()?);
    if owner.is_empty() || repo.is_empty() {
        return None;
    }
    let binder = binder_url.trim_end_matches('/');
    Some(format!(
        "{binder}/v2/gh/{}/{}/HEAD",
        encode(owner),
        encode(repo)
    ))
}

/// A notebook in a GitHub repository (`https://github.com/<owner>/<repo>/blob/<branch>/<path>.ipynb`):
/// its nbgitpuller link (opening the notebook) and its Binder link.
#[must_use]
pub fn notebook_links(
    hub_url: Option<&str>,
    binder_url: Option<&str>,
    url: &str,
) -> (Option<String>, Option<String>) {
    let Some(rest) = url.strip_prefix("https://github.com/") else {
        return (None, None);
    };
    let parts: Vec<&str> = rest.splitn(5, '/').collect();
    let [owner, repo, "blob", branch, path] = parts.as_slice() else {
        return (None, None);
    };
    if !path.ends_with(".ipynb") || [owner, repo, branch].iter().any(|p| p.is_empty()) {
        return (None, None);
    }
    let hub = hub_url.map(|hub| {
        let hub = if hub.ends_with('/') {
            hub.to_owned()
        } else {
            format!("{hub}/")
        };
        format!(
            "{hub}hub/user-redirect/git-pull?repo={}&branch={}&urlpath={}",
            encode(&format!("https://github.com/{owner}/{repo}")),
            encode(branch),
            encode(&format!("lab/tree/{repo}/{path}"))
        )
    });
    let binder = binder_url.map(|binder| {
        format!(
            "{}/v2/gh/{}/{}/{}?labpath={}",
            binder.trim_end_matches('/'),
            encode(owner),
            encode(repo),
            encode(branch),
            encode(path)
        )
    });
    (hub, binder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(url: &str, scheme: StoreScheme, public: Option<bool>) -> Store {
        Store {
            id: "s".into(),
            name: None,
            url: url.into(),
            scheme,
            local_path: None,
            description: None,
            public,
            source: None,
            source_url: None,
            xarray_open_kwargs: BTreeMap::new(),
            extra: BTreeMap::new(),
            crawl: None,
            needs_credentials: false,
            access: None,
        }
    }

    #[test]
    fn anonymous_gcs_and_s3_endpoints() {
        let crawl = CrawlSettings::default();
        let gcs = xarray(
            &store("gs://b/x.zarr", StoreScheme::Gcs, Some(true)),
            &crawl,
        );
        assert!(
            gcs.contains(r#"storage_options={"token": "anon"}"#),
            "{gcs}"
        );
        let crawl: CrawlSettings = toml::from_str(
            "[[stores]]\nprefix = \"s3://osn/\"\nendpoint = \"https://osn.example.org/\"\nanonymous = true\n",
        )
        .expect("settings");
        let s3 = xarray(&store("s3://osn/a.zarr", StoreScheme::S3, None), &crawl);
        assert!(
            s3.contains(
                r#"storage_options={"anon": True, "endpoint_url": "https://osn.example.org"}"#
            ),
            "{s3}"
        );
        assert!(
            s3.starts_with("import xarray as xr\n\nds = xr.open_zarr(\n    \"s3://osn/a.zarr\",")
        );
    }

    #[test]
    fn open_kwargs_become_arguments() {
        let mut s = store("https://h/x.zarr", StoreScheme::Http, None);
        s.xarray_open_kwargs
            .insert("consolidated".into(), Value::Bool(true));
        s.xarray_open_kwargs
            .insert("bad key)".into(), Value::Bool(true));
        let code = xarray(&s, &CrawlSettings::default());
        assert!(code.contains("    consolidated=True,\n"), "{code}");
        assert!(!code.contains("bad key"), "{code}");
    }

    #[test]
    fn notebooks_on_github_open_in_the_hub_and_binder() {
        let (hub, binder) = notebook_links(
            Some("https://hub.example.org"),
            Some("https://mybinder.org/"),
            "https://github.com/o/r/blob/main/dir/a b.ipynb",
        );
        assert_eq!(
            hub.as_deref(),
            Some(
                "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&branch=main&urlpath=lab%2Ftree%2Fr%2Fdir%2Fa%20b.ipynb"
            )
        );
        assert_eq!(
            binder.as_deref(),
            Some("https://mybinder.org/v2/gh/o/r/main?labpath=dir%2Fa%20b.ipynb")
        );
        assert_eq!(
            notebook_links(Some("https://h/"), None, "https://example.org/x.ipynb"),
            (None, None)
        );
    }

    #[test]
    fn hub_and_binder_links() {
        assert_eq!(
            hub_link(
                "https://leap.2i2c.cloud/",
                "https://github.com/leap-stc/x_feedstock"
            ),
            "https://leap.2i2c.cloud/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fleap-stc%2Fx_feedstock&urlpath=lab%2Ftree%2Fx_feedstock%2F"
        );
        assert_eq!(
            binder_link(
                "https://mybinder.org/",
                "https://github.com/leap-stc/x_feedstock"
            )
            .as_deref(),
            Some("https://mybinder.org/v2/gh/leap-stc/x_feedstock/HEAD")
        );
        assert_eq!(
            binder_link("https://mybinder.org/", "https://gitlab.com/a/b"),
            None
        );
    }
}
