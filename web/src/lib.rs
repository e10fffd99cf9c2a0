//! Almanac's browser app (front-end stage): mounts the quick find into `#almanac-app` on every
//! generated page.
//!
//! The generator copies the wasm-bindgen output of this crate to `<base>app/` and each page
//! calls its `init()`; the start function below then mounts the app. Pages without the mount
//! point are left alone.

mod api;
mod components;
mod search;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, prelude::wasm_bindgen};

use crate::components::quick_find::QuickFind;

/// Id of the element the generator's templates leave for the app.
const MOUNT_ID: &str = "almanac-app";

/// The whole app: for now, the quick find in the page header.
#[component]
fn App() -> impl IntoView {
    view! { <QuickFind /> }
}

/// Entry point run by wasm-bindgen's `init()`: mounts [`App`] into `#almanac-app`, if the page
/// has one.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(MOUNT_ID))
    else {
        return;
    };
    let Ok(root) = root.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    // The app lives as long as the page, so its reactive owner is never dropped.
    mount_to(root, App).forget();
}
