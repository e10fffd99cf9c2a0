//! Embeds the default theme (`assets/theme/`), the built WASM front end (`assets/app/`) and the
//! `almanac init` scaffold (`assets/init/`) in the binary, so `almanac` builds a complete site in any folder. `scripts/build-web.sh` writes
//! `assets/app/` (and its `BUILD` record); `scripts/build-web.sh --check` proves in CI that the
//! committed files are what `web/` builds. See docs/architecture.md, "The embedded front end".

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let assets = manifest.join("assets");
    println!("cargo::rerun-if-changed=assets");

    let mut code = String::new();
    for (name, folder) in [("THEME", "theme"), ("APP", "app"), ("INIT", "init")] {
        let dir = assets.join(folder);
        assert!(
            dir.is_dir(),
            "{} is missing: run scripts/build-web.sh (front end) or restore the default theme",
            dir.display()
        );
        let mut files = Vec::new();
        walk(&dir, "", &mut files);
        files.sort();
        writeln!(
            code,
            "/// Files of `assets/{folder}/`, by path inside it, sorted."
        )
        .ok();
        writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[").ok();
        for (relative, path) in files {
            // The build record describes the files; it is not part of the site.
            if folder == "app" && relative == "BUILD" {
                continue;
            }
            writeln!(
                code,
                "    ({relative:?}, include_bytes!({:?})),",
                path.display().to_string()
            )
            .ok();
        }
        writeln!(code, "];").ok();
    }
    let record = assets.join("app").join("BUILD");
    assert!(
        record.is_file(),
        "{} is missing: run scripts/build-web.sh",
        record.display()
    );
    writeln!(
        code,
        "/// `assets/app/BUILD`: how the embedded front end was built."
    )
    .ok();
    writeln!(
        code,
        "pub static APP_BUILD: &str = include_str!({:?});",
        record.display().to_string()
    )
    .ok();
    // `almanac --version` names the front end it carries.
    let text = fs::read_to_string(&record).expect("assets/app/BUILD is readable");
    let value = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(key).and_then(|v| v.strip_prefix(' ')))
            .unwrap_or("?")
            .trim()
            .to_owned()
    };
    let wasm = value("wasm");
    println!(
        "cargo::rustc-env=ALMANAC_FRONT_END=front end {} (sha256 of the .wasm; from web/ inputs {}; rustc {}, wasm-bindgen {}, wasm-opt {})",
        wasm.get(..12).unwrap_or(&wasm),
        value("inputs").get(..12).unwrap_or("?"),
        value("rustc"),
        value("wasm-bindgen"),
        value("wasm-opt"),
    );
    fs::write(out_dir.join("embedded.rs"), code).expect("cannot write embedded.rs to OUT_DIR");
}

/// Every file under `dir`, as (path relative to the walk's start with `/`, absolute path).
fn walk(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let relative = format!("{prefix}{name}");
        if path.is_dir() {
            walk(&path, &format!("{relative}/"), files);
        } else {
            files.push((relative, path));
        }
    }
}
