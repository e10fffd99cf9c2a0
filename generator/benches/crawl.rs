//! Crawl benchmark (not a test): `cargo bench -p almanac --bench crawl [-- STORES S3_STORES]`.
//!
//! Makes a library of 10,000 local consolidated Zarr 2 stores (hard links to the demo's SOI
//! store, so they cost no disk) and times, each in its own process so that peak memory is its
//! own:
//!
//! - `baseline`: merely reading the files a crawl of such a store reads (`.zmetadata`, the
//!   `zarr.json` probe, the root listing, the time chunk), with the same concurrency;
//! - `local`: the crawl stage over all stores, cold (it writes the crawl cache);
//! - `local-warm`: the same with the cache of the cold run (a rebuild with unchanged stores);
//! - `s3`: the crawl of 1,000 of them uploaded to moto on 127.0.0.1 (`tests/servers/serve.sh`,
//!   needs `.venv`: `scripts/setup-python.sh`).
//!
//! Prints one Markdown table row per phase: stores/s, requests and reads per store, peak
//! memory (VmHWM). Results go to docs/benchmarks.md by hand, with the machine they ran on.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use almanac::BuildOptions;
use almanac::crawl::{CrawlRun, crawl_library};
use futures::StreamExt;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

const BUCKET: &str = "almanac-bench";
const KEY_ID: &str = "almanac-bench-key";
const SECRET: &str = "almanac-bench-secret";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn template() -> PathBuf {
    repository().join("content/data/soi-darwin/soi-darwin.zarr")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        if entry.path().is_dir() {
            out.extend(files(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out.sort();
    out
}

/// A site whose one dataset lists `count` stores with `url(i)`; local stores are hard links
/// of the template under `content/data`.
fn make_site(root: &Path, count: usize, url: impl Fn(usize) -> String, local: bool) {
    let data = root.join("content/data");
    let template = template();
    let template_files = files(&template);
    if local {
        for i in 0..count {
            let store = data.join(format!("s{i:05}.zarr"));
            if store.exists() {
                continue;
            }
            for file in &template_files {
                let target = store.join(file.strip_prefix(&template).expect("inside"));
                std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
                std::fs::hard_link(file, &target)
                    .or_else(|_| std::fs::copy(file, &target).map(|_| ()))
                    .expect("link");
            }
        }
    }
    let dataset = root.join("content/datasets/bench");
    std::fs::create_dir_all(&dataset).expect("mkdir");
    std::fs::write(
        dataset.join("meta.yaml"),
        "title: \"Benchmark stores\"\ndescription: \"Copies of one store.\"\n\
         provenance:\n  providers:\n    - name: \"Bench\"\n      roles: [host]\n  \
         license: \"CC-BY-4.0\"\n",
    )
    .expect("meta.yaml");
    let mut catalog = String::from("stores:\n");
    for i in 0..count {
        catalog.push_str(&format!("  - id: s{i:05}\n    url: {}\n", url(i)));
    }
    std::fs::write(dataset.join("catalog.yaml"), catalog).expect("catalog.yaml");
}

fn peak_memory_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// One phase, in this process; prints `phase stores seconds requests reads peak_kib`.
fn run_phase(phase: &str, root: &Path) {
    let mut options = BuildOptions::for_project(root).expect("config");
    let settings = options.config.crawl.clone();
    options.config.crawl.enabled = false;
    let (mut library, diagnostics) = almanac::load_library(&options);
    assert_eq!(
        diagnostics.count(almanac::Severity::Error),
        0,
        "{:?}",
        diagnostics.items().first()
    );
    let stores: usize = library.datasets.iter().map(|d| d.stores.len()).sum();
    let content_dir = options.content_dir();
    let (seconds, requests, reads) = if phase == "baseline" {
        baseline(&content_dir.join("data"), settings.concurrency)
    } else if phase == "baseline-object-store" {
        baseline_object_store(&content_dir.join("data"), settings.concurrency)
    } else if phase == "baseline-s3" {
        let endpoint = settings.stores[0].endpoint.clone().expect("endpoint");
        baseline_s3(&endpoint, stores, settings.concurrency)
    } else {
        let run = CrawlRun {
            cache_dir: (phase != "s3").then(|| root.join(".almanac-cache")),
            ..CrawlRun::default()
        };
        let mut diagnostics = almanac::Diagnostics::new();
        let started = Instant::now();
        let report = crawl_library(
            &mut library,
            &content_dir,
            &settings,
            &run,
            &mut diagnostics,
        );
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(report.failed, 0, "{:?}", diagnostics.items().first());
        (seconds, report.requests, report.reads)
    };
    println!(
        "{phase} {stores} {seconds} {requests} {reads} {}",
        peak_memory_kib()
    );
}

/// Reads, per store, what its crawl reads, with `concurrency` threads: a stat for the
/// `zarr.json` probe, `.zmetadata`, a listing of the root, the time chunk.
fn baseline(data: &Path, concurrency: usize) -> (f64, u64, u64) {
    let stores: Vec<PathBuf> = std::fs::read_dir(data)
        .expect("data")
        .flatten()
        .map(|e| e.path())
        .collect();
    let started = Instant::now();
    let chunk = stores.len().div_ceil(concurrency.max(1));
    std::thread::scope(|scope| {
        for part in stores.chunks(chunk.max(1)) {
            scope.spawn(move || {
                for store in part {
                    let _ = std::fs::metadata(store.join("zarr.json"));
                    let text = std::fs::read(store.join(".zmetadata")).expect("zmetadata");
                    assert!(!text.is_empty());
                    let listed = std::fs::read_dir(store).expect("list").count();
                    assert!(listed > 0);
                    let time = std::fs::read(store.join("time/0")).expect("chunk");
                    assert!(!time.is_empty());
                }
            });
        }
    });
    let n = stores.len() as u64;
    (started.elapsed().as_secs_f64(), 4 * n, 3 * n)
}

/// The same reads as [`baseline`], through `object_store`'s local file system on a tokio
/// runtime, as the crawl makes them: the I/O machinery without any Zarr or CF work.
fn baseline_object_store(data: &Path, concurrency: usize) -> (f64, u64, u64) {
    use object_store::local::LocalFileSystem;
    use object_store::path::Path as Key;
    let stores: Vec<PathBuf> = std::fs::read_dir(data)
        .expect("data")
        .flatten()
        .map(|e| e.path())
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    runtime.block_on(async {
        let reads = stores.iter().map(|store| async move {
            let fs = LocalFileSystem::new_with_prefix(store).expect("store");
            assert!(fs.get(&Key::from("zarr.json")).await.is_err());
            let zmetadata = fs.get(&Key::from(".zmetadata")).await.expect("zmetadata");
            assert!(!zmetadata.bytes().await.expect("bytes").is_empty());
            let listed = fs.list_with_delimiter(None).await.expect("list");
            assert!(!listed.common_prefixes.is_empty());
            let time = fs.get(&Key::from("time/0")).await.expect("chunk");
            assert!(!time.bytes().await.expect("bytes").is_empty());
        });
        let mut stream = futures::stream::iter(reads).buffer_unordered(concurrency.max(1));
        while stream.next().await.is_some() {}
    });
    let n = stores.len() as u64;
    (started.elapsed().as_secs_f64(), 4 * n, 3 * n)
}

/// The crawl's requests of one store (a missed `zarr.json`, `.zmetadata`, the root listing, the
/// time chunk) against the S3 server, without any Zarr or CF work: what the server allows.
fn baseline_s3(endpoint: &str, count: usize, concurrency: usize) -> (f64, u64, u64) {
    use object_store::path::Path as Key;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let store: Arc<dyn ObjectStore> = Arc::new(
        object_store::aws::AmazonS3Builder::from_env()
            .with_endpoint(endpoint)
            .with_bucket_name(BUCKET)
            .with_region("us-east-1")
            .with_allow_http(true)
            .build()
            .expect("s3 client"),
    );
    let started = Instant::now();
    runtime.block_on(async {
        let reads = (0..count).map(|i| {
            let store = Arc::clone(&store);
            async move {
                let key = |name: &str| Key::from(format!("s{i:05}.zarr/{name}"));
                assert!(store.get(&key("zarr.json")).await.is_err());
                let zmetadata = store.get(&key(".zmetadata")).await.expect("zmetadata");
                assert!(!zmetadata.bytes().await.expect("bytes").is_empty());
                let root = Key::from(format!("s{i:05}.zarr"));
                let listed = store.list_with_delimiter(Some(&root)).await.expect("list");
                assert!(!listed.common_prefixes.is_empty());
                let time = store.get(&key("time/0")).await.expect("chunk");
                assert!(!time.bytes().await.expect("bytes").is_empty());
            }
        });
        let mut stream = futures::stream::iter(reads).buffer_unordered(concurrency.max(1));
        while stream.next().await.is_some() {}
    });
    let n = count as u64;
    (started.elapsed().as_secs_f64(), 4 * n, 3 * n)
}

fn child(phase: &str, root: &Path, env: &[(&str, &str)]) -> String {
    let output = Command::new(std::env::current_exe().expect("own path"))
        .args(["--phase", phase])
        .arg(root)
        .envs(env.iter().copied())
        .stderr(Stdio::inherit())
        .output()
        .expect("runs");
    assert!(output.status.success(), "phase {phase} failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .expect("a result line")
        .to_owned()
}

fn row(line: &str) -> String {
    let f: Vec<&str> = line.split_whitespace().collect();
    let stores: f64 = f[1].parse().expect("stores");
    let seconds: f64 = f[2].parse().expect("seconds");
    let requests: f64 = f[3].parse().expect("requests");
    let reads: f64 = f[4].parse().expect("reads");
    let peak: f64 = f[5].parse().expect("peak");
    format!(
        "| {} | {} | {:.2} s | {:.0} | {:.2} | {:.2} | {:.0} MiB |",
        f[0],
        stores,
        seconds,
        stores / seconds,
        requests / stores,
        reads / stores,
        peak / 1024.0
    )
}

/// An S3 server on 127.0.0.1, killed when dropped.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_for(child: std::process::Child, url: String) -> Server {
    let server = Server { child, url };
    let started = Instant::now();
    while std::net::TcpStream::connect(server.url.trim_start_matches("http://")).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} starts",
            server.url
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// moto (Python, in memory), from the project's .venv.
fn start_moto() -> Server {
    let port = free_port();
    let child = Command::new("bash")
        .arg(repository().join("tests/servers/serve.sh"))
        .args(["run", "s3", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve.sh");
    wait_for(child, format!("http://127.0.0.1:{port}"))
}

/// s3s-fs (Rust, serving a folder whose sub-folders are buckets), when scripts/bench.sh has
/// installed it into .tools/s3s.
fn start_s3s(root: &Path) -> Option<Server> {
    let binary = repository().join(".tools/s3s/bin/s3s-fs");
    if !binary.is_file() {
        eprintln!(
            "no {}: run scripts/bench.sh to compare with s3s-fs",
            binary.display()
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(binary)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--access-key", KEY_ID, "--secret-key", SECRET])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("s3s-fs starts");
    Some(wait_for(child, format!("http://127.0.0.1:{port}")))
}

fn upload(url: &str, count: usize) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store: Arc<dyn ObjectStore> = Arc::new(
            object_store::aws::AmazonS3Builder::new()
                .with_endpoint(url)
                .with_bucket_name(BUCKET)
                .with_region("us-east-1")
                .with_access_key_id(KEY_ID)
                .with_secret_access_key(SECRET)
                .with_allow_http(true)
                .build()
                .expect("s3 client"),
        );
        assert!(create_bucket(url), "bucket created");
        let template = template();
        let files: Vec<(String, Vec<u8>)> = files(&template)
            .into_iter()
            .map(|f| {
                let key = f
                    .strip_prefix(&template)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned();
                (key, std::fs::read(&f).expect("readable"))
            })
            .collect();
        let mut puts = Vec::new();
        for i in 0..count {
            for (key, bytes) in &files {
                let store = Arc::clone(&store);
                let path = object_store::path::Path::from(format!("s{i:05}.zarr/{key}"));
                let payload = PutPayload::from(bytes.clone());
                puts.push(async move { store.put(&path, payload).await });
            }
        }
        let mut stream = futures::stream::iter(puts).buffer_unordered(32);
        while let Some(result) = stream.next().await {
            result.expect("upload");
        }
    });
}

/// Creates the bucket with a raw HTTP request (moto takes unsigned requests).
fn create_bucket(url: &str) -> bool {
    use std::io::{Read as _, Write as _};
    let host = url.trim_start_matches("http://");
    let Ok(mut stream) = std::net::TcpStream::connect(host) else {
        return false;
    };
    let request = format!(
        "PUT /{BUCKET} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--phase") {
        run_phase(&args[1], Path::new(&args[2]));
        return;
    }
    // `cargo bench` passes `--bench`; the counts are the numbers among the arguments. Without
    // `--bench` (`cargo test --all-targets`), a small run only checks that the benchmark works.
    let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let measuring = args.iter().any(|a| a == "--bench");
    let local_count = numbers
        .first()
        .copied()
        .unwrap_or(if measuring { 10_000 } else { 40 });
    let s3_count = numbers
        .get(1)
        .copied()
        .unwrap_or(if measuring { 1_000 } else { 10 });
    // ALMANAC_BENCH_DIR keeps the stores (e.g. to profile one phase: `--phase local DIR/local`).
    let temporary = tempfile::tempdir().expect("temporary folder");
    let work = std::env::var_os("ALMANAC_BENCH_DIR")
        .map_or_else(|| temporary.path().to_path_buf(), PathBuf::from);
    let local = work.join("local");
    eprintln!("making {local_count} local stores…");
    make_site(
        &local,
        local_count,
        |i| format!("../../data/s{i:05}.zarr"),
        true,
    );
    std::fs::write(local.join("almanac.toml"), "").expect("config");
    // The cold phase must not find the cache of an earlier run.
    let _ = std::fs::remove_dir_all(local.join(".almanac-cache"));
    println!("| phase | stores | time | stores/s | requests/store | reads/store | peak memory |");
    println!("|---|---|---|---|---|---|---|");
    for phase in ["baseline", "baseline-object-store", "local", "local-warm"] {
        println!("{}", row(&child(phase, &local, &[])));
    }

    let remote = work.join("s3");
    make_site(
        &remote,
        s3_count,
        |i| format!("s3://{BUCKET}/s{i:05}.zarr"),
        false,
    );
    let credentials = [
        ("AWS_ACCESS_KEY_ID", KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ];
    let mut servers = Vec::new();
    // s3s-fs serves the local stores where they are: its bucket folder holds links to them.
    let bucket = work.join("s3s").join(BUCKET);
    for i in 0..s3_count {
        let name = format!("s{i:05}.zarr");
        link_tree(&local.join("content/data").join(&name), &bucket.join(&name));
    }
    if let Some(s3s) = start_s3s(&work.join("s3s")) {
        servers.push(("s3s-fs", s3s));
    }
    eprintln!("uploading {s3_count} stores to moto…");
    let moto = start_moto();
    upload(&moto.url, s3_count);
    servers.push(("moto", moto));
    for (name, server) in &servers {
        std::fs::write(
            remote.join("almanac.toml"),
            format!(
                "[[crawl.stores]]\nprefix = \"s3://{BUCKET}/\"\nendpoint = \"{}\"\n\
                 allow_http = true\n",
                server.url
            ),
        )
        .expect("config");
        for phase in ["baseline-s3", "s3"] {
            let line = child(phase, &remote, &credentials);
            println!(
                "{}",
                row(&line).replacen(phase, &format!("{phase} ({name})"), 1)
            );
        }
    }
}

fn link_tree(from: &Path, to: &Path) {
    for file in files(from) {
        let target = to.join(file.strip_prefix(from).expect("inside"));
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        if !target.exists() {
            std::fs::hard_link(&file, &target)
                .or_else(|_| std::fs::copy(&file, &target).map(|_| ()))
                .expect("link");
        }
    }
}
