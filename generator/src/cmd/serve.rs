//! `almanac serve`: builds, serves the output on 127.0.0.1 and rebuilds when
//! content, theme, templates or almanac.toml change. Pages served here poll a
//! version endpoint and reload after a rebuild; the files on disk are the
//! same as `almanac build` writes.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use anyhow::Context as _;
use notify::{RecursiveMode, Watcher};
use tiny_http::{Header, Response, Server};

use crate::cli::Cli;

const VERSION_PATH: &str = "/__almanac/version";
const RELOAD_SCRIPT: &str = "<script>(()=>{let v=null;setInterval(async()=>{try{const r=await fetch('/__almanac/version',{cache:'no-store'});const t=await r.text();if(v!==null&&t!==v)location.reload();v=t}catch(e){}},1000)})();</script>";

pub fn run(cli: &Cli, port: Option<u16>, output: Option<&Path>) -> anyhow::Result<ExitCode> {
    let mut options = almanac::BuildOptions::for_project(&cli.root)?;
    options.use_crawl_cache(false);
    options.crawl.progress = almanac::crawl::progress::Progress::for_stderr(cli.quiet);
    if let Some(output) = output {
        options.output = Some(output.to_path_buf());
    }
    let port = port.unwrap_or(options.config.serve.port);
    rebuild(cli, &options);
    let output_dir = options.output_dir();

    let address = format!("127.0.0.1:{port}");
    let server = Server::http(&address)
        .map_err(|e| almanac::Error::Serve {
            address: address.clone(),
            message: e.to_string(),
        })
        .context("is another server using the port? try --port")?;
    eprintln!(
        "serving {} on http://{address}/ (Ctrl-C to stop)",
        output_dir.display()
    );

    let version = Arc::new(AtomicU64::new(1));
    let (events, changes) = mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(events).context("cannot watch files for changes")?;
    for path in [
        Some(options.content_dir()),
        options.theme_dir(),
        Some(options.root.join("templates")),
        Some(options.root.join("almanac.toml")),
    ]
    .into_iter()
    .flatten()
    {
        if path.exists() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
    }
    let rebuild_version = Arc::clone(&version);
    let quiet = cli.quiet;
    let root = cli.root.clone();
    let rebuild_cli = Cli {
        root,
        format: cli.format,
        quiet,
        verbose: cli.verbose,
        command: crate::cli::Command::Check {
            paths: Vec::new(),
            refresh: false,
            offline: false,
        },
    };
    std::thread::spawn(move || {
        while let Ok(first) = changes.recv() {
            let mut relevant = is_relevant(&first);
            // Editors write files in bursts: wait until it is quiet for 200 ms.
            while let Ok(event) = changes.recv_timeout(Duration::from_millis(200)) {
                relevant |= is_relevant(&event);
            }
            if !relevant {
                continue;
            }
            match almanac::BuildOptions::for_project(&rebuild_cli.root) {
                Ok(mut fresh) => {
                    fresh.output = options.output.clone();
                    fresh.crawl = options.crawl.clone();
                    rebuild(&rebuild_cli, &fresh);
                }
                Err(error) => eprintln!("error: {error}"),
            }
            rebuild_version.fetch_add(1, Ordering::SeqCst);
        }
    });

    for request in server.incoming_requests() {
        let url = request
            .url()
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .to_owned();
        let response = if url == VERSION_PATH {
            Response::from_data(version.load(Ordering::SeqCst).to_string().into_bytes())
                .with_header(header("Cache-Control", "no-store"))
        } else {
            serve_file(&output_dir, &url)
        };
        let _ = request.respond(response);
    }
    Ok(ExitCode::SUCCESS)
}

fn is_relevant(event: &notify::Result<notify::Event>) -> bool {
    event
        .as_ref()
        .is_ok_and(|e| !matches!(e.kind, notify::EventKind::Access(_)))
}

fn rebuild(cli: &Cli, options: &almanac::BuildOptions) {
    match almanac::build(options) {
        Ok(report) => {
            let _ = super::report(cli, &report.diagnostics);
            if !cli.quiet {
                eprintln!("built {} files", report.files);
            }
        }
        Err(error) => eprintln!("error: {error} (still serving the previous build)"),
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Almanac"[..], &b"1"[..]).expect("static header")
    })
}

/// Maps a URL path to a file in `root`, refusing anything outside it.
fn resolve_path(root: &Path, url: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url);
    let mut path = root.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    path.is_file().then_some(path)
}

fn serve_file(root: &Path, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let (path, status) = match resolve_path(root, url) {
        Some(path) => (path, 200),
        None => (root.join("404.html"), 404),
    };
    let Ok(mut bytes) = std::fs::read(&path) else {
        return Response::from_data(b"not found".to_vec()).with_status_code(404);
    };
    let mime = mime_type(&path);
    if mime.starts_with("text/html") {
        let text = String::from_utf8_lossy(&bytes);
        let injected = match text.rfind("</body>") {
            Some(at) => format!("{}{RELOAD_SCRIPT}{}", &text[..at], &text[at..]),
            None => format!("{text}{RELOAD_SCRIPT}"),
        };
        bytes = injected.into_bytes();
    }
    Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", mime))
        .with_header(header("Cache-Control", "no-cache"))
}

fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" | "jsonld" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "ttl" => "text/turtle",
        _ => "application/octet-stream",
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape_the_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("index.html"), "x").expect("write");
        assert!(resolve_path(dir.path(), "/").is_some());
        assert!(resolve_path(dir.path(), "/../etc/passwd").is_none());
        assert!(resolve_path(dir.path(), "/%2e%2e/x").is_none());
        assert_eq!(percent_decode("/a%20b"), "/a b");
    }
}
