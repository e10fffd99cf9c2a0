//! Almanac's browser app (front-end stage): enhances the generated pages. It mounts the quick
//! find into `#almanac-app` on every page, the search page into `#almanac-search`, and the
//! graph explorer into `#almanac-graph` (whose `data-almanac-graph` names the page's path).
//!
//! The generator copies the wasm-bindgen output of this crate to `<base>app/` and each page
//! calls its `init()`; the start function below then mounts what the page has room for. Pages
//! work without it.

mod api;
mod components;
mod engine;
mod state;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, prelude::wasm_bindgen};

use crate::components::{
    graph_explorer::GraphExplorer, quick_find::QuickFind, search_page::SearchPage,
};

/// Id of the element the templates leave for the quick find.
const MOUNT_ID: &str = "almanac-app";
/// Id of the search page's mount point.
const SEARCH_ID: &str = "almanac-search";
/// Id of the graph explorer's mount point.
const GRAPH_ID: &str = "almanac-graph";

fn element(id: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Entry point run by wasm-bindgen's `init()`: mounts each part whose mount point the page has.
#[wasm_bindgen(start)]
pub fn start() {
    // Each part lives as long as the page, so its reactive owner is never dropped.
    if let Some(root) = element(MOUNT_ID) {
        mount_to(root, QuickFind).forget();
    }
    if let Some(root) = element(SEARCH_ID) {
        mount_to(root, SearchPage).forget();
    }
    if let Some(root) = element(GRAPH_ID)
        && let Some(path) = root.dataset().get("almanacGraph")
        && !path.is_empty()
    {
        mount_to(root, move || view! { <GraphExplorer page_path=path /> }).forget();
    }
}
