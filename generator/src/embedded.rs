//! What the binary carries, so it builds a complete site in any folder: the default theme, the
//! WASM front end and the `almanac init` scaffold, embedded by `build.rs` from
//! `generator/assets/`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The embedded file at `path` of `files` ([`THEME`] or [`APP`]).
#[must_use]
pub fn file(files: &'static [(&'static str, &'static [u8])], path: &str) -> Option<&'static [u8]> {
    files
        .binary_search_by(|(name, _)| (*name).cmp(path))
        .ok()
        .map(|index| files[index].1)
}

/// One value of the front end's build record (`wasm`, `js`, `inputs`, `wasm-bindgen`, …).
#[must_use]
pub fn app_build(key: &str) -> Option<&'static str> {
    APP_BUILD.lines().find_map(|line| {
        let (name, value) = line.split_once(' ')?;
        (name == key).then(|| value.trim())
    })
}

/// The front end the binary carries, as `almanac --version` names it: the first 12 hex digits
/// of the `.wasm`'s SHA-256 and the tools that built it (from `build.rs`).
#[must_use]
pub fn front_end_version() -> &'static str {
    env!("ALMANAC_FRONT_END")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_has_every_template_and_its_static_files() {
        for template in crate::render::TEMPLATES {
            assert!(
                file(THEME, &format!("templates/{template}")).is_some(),
                "{template} is not embedded"
            );
        }
        assert!(file(THEME, "static/almanac.css").is_some());
        assert!(
            THEME.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "not sorted"
        );
    }

    #[test]
    fn the_app_is_a_valid_wasm_module_with_its_glue() {
        let wasm = file(APP, "almanac_web_bg.wasm").expect("no .wasm embedded");
        assert_eq!(&wasm[..4], b"\0asm", "not a wasm module");
        let js = file(APP, "almanac_web.js").expect("no .js embedded");
        let js = std::str::from_utf8(js).expect("glue is not UTF-8");
        assert!(
            js.contains("almanac_web_bg.wasm"),
            "the glue does not load the module"
        );
        assert!(
            APP.iter().all(|(name, _)| *name != "BUILD"),
            "the build record is not site content"
        );
    }

    #[test]
    fn the_build_record_matches_the_embedded_bytes() {
        use sha2::{Digest, Sha256};
        let hex = |bytes: &[u8]| {
            Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        for (key, name) in [("wasm", "almanac_web_bg.wasm"), ("js", "almanac_web.js")] {
            let bytes = file(APP, name).unwrap_or_default();
            assert_eq!(
                app_build(key),
                Some(hex(bytes).as_str()),
                "assets/app/BUILD does not describe the embedded {name}: run scripts/build-web.sh"
            );
        }
        assert!(front_end_version().contains(&app_build("wasm").unwrap_or_default()[..12]));
    }
}
