//! The quick find in the page header: a combobox that searches the entity list as you type and
//! links to the best matches.
//!
//! The entity list (`<base>index/entities.json`) is fetched on first focus or keystroke, not on
//! page load. Keyboard and ARIA follow the WAI-ARIA combobox pattern with a listbox popup.

use almanac_model::EntitySummary;
use leptos::{ev::KeyboardEvent, prelude::*};

use crate::{
    api::{self, ApiError},
    search::SearchIndex,
};

/// How many matches the popup shows.
const MAX_RESULTS: usize = 8;
const INPUT_ID: &str = "almanac-quick-find-input";
const LISTBOX_ID: &str = "almanac-quick-find-listbox";
/// Default look; class names are prefixed `almanac-qf` so a theme can restyle them.
const STYLE: &str = include_str!("quick_find.css");

/// What the entity list request has produced so far.
type Loaded = Option<Result<SearchIndex, ApiError>>;

/// One match as shown in the popup.
#[derive(Debug, Clone, PartialEq)]
struct Hit {
    title: String,
    kind: &'static str,
    href: String,
}

impl Hit {
    fn new(summary: &EntitySummary, base: &str) -> Self {
        Self {
            title: summary.title.clone(),
            kind: summary.kind.label(),
            href: api::site_url(base, &summary.url),
        }
    }
}

fn option_id(index: usize) -> String {
    format!("almanac-quick-find-option-{index}")
}

/// Opens `href` like a link would: in this tab, or a new one with Ctrl or Cmd held.
fn follow(href: &str, new_tab: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // A failed navigation leaves the user on the page with the popup open, which is all we
    // could offer anyway.
    if new_tab {
        let _ = window.open_with_url_and_target(href, "_blank");
    } else {
        let _ = window.location().set_href(href);
    }
}

/// The search box and its popup of matches.
#[component]
pub fn QuickFind() -> impl IntoView {
    let base = api::base_path();
    let query = RwSignal::new(String::new());
    // Whether the user has shown interest; the entity list is fetched only then.
    let wanted = RwSignal::new(false);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);

    let fetch_base = base.clone();
    let loaded: LocalResource<Loaded> = LocalResource::new(move || {
        let wanted = wanted.get();
        let base = fetch_base.clone();
        async move {
            if !wanted {
                return None;
            }
            let result = api::entities(&base).await.map(SearchIndex::new);
            if let Err(error) = &result {
                leptos::logging::warn!("quick find: {error}");
            }
            Some(result)
        }
    });

    // `set` notifies even when the value is unchanged, which would refetch.
    let want = move || {
        if !wanted.get_untracked() {
            wanted.set(true);
        }
    };

    let hits = Memo::new(move |_| {
        let query = query.get();
        loaded
            .map(|state| match state {
                Some(Ok(index)) => index
                    .find(&query, MAX_RESULTS)
                    .into_iter()
                    .map(|summary| Hit::new(summary, &base))
                    .collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default()
    });
    let expanded = move || open.get() && hits.with(|hits| !hits.is_empty());
    // The highlighted option, if it is still one of the current matches.
    let active_index = move || active.get().filter(|&index| index < hits.with(Vec::len));

    let status = move || {
        if !open.get() || query.with(|query| query.trim().is_empty()) {
            return "";
        }
        match loaded.map(|state| state.as_ref().map(Result::is_ok)) {
            Some(Some(false)) => "Search is unavailable.",
            Some(Some(true)) if hits.with(Vec::is_empty) => "No matches.",
            Some(Some(true)) => "",
            _ => "Loading…",
        }
    };

    let on_keydown = move |event: KeyboardEvent| {
        let count = hits.with(Vec::len);
        match event.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                event.prevent_default();
                open.set(true);
                if count > 0 {
                    let down = event.key() == "ArrowDown";
                    active.set(Some(match (active_index(), down) {
                        (None, true) => 0,
                        (None, false) => count - 1,
                        (Some(index), true) => (index + 1) % count,
                        (Some(index), false) => (index + count - 1) % count,
                    }));
                }
            }
            "Enter" => {
                // Enter without a highlighted option takes the best match.
                let chosen = active_index().unwrap_or(0);
                if let Some(href) = hits.with(|hits| hits.get(chosen).map(|hit| hit.href.clone()))
                    && open.get_untracked()
                {
                    event.prevent_default();
                    follow(&href, event.ctrl_key() || event.meta_key());
                }
            }
            "Escape" => {
                if expanded() {
                    open.set(false);
                    active.set(None);
                } else {
                    query.set(String::new());
                }
            }
            _ => {}
        }
    };

    view! {
        <style>{STYLE}</style>
        <div class="almanac-qf">
            <label class="almanac-qf-label" for=INPUT_ID>
                "Find in the library"
            </label>
            <input
                id=INPUT_ID
                class="almanac-qf-input"
                type="text"
                role="combobox"
                placeholder="Find datasets, papers, people…"
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-controls=LISTBOX_ID
                aria-expanded=move || if expanded() { "true" } else { "false" }
                aria-activedescendant=move || active_index().map(option_id)
                prop:value=query
                on:focus=move |_| {
                    want();
                    open.set(true);
                }
                on:blur=move |_| {
                    open.set(false);
                    active.set(None);
                }
                on:input:target=move |event| {
                    want();
                    open.set(true);
                    active.set(None);
                    query.set(event.target().value());
                }
                on:keydown=on_keydown
            />
            // Keeps focus in the input when an option is clicked, so the click lands on the link
            // before blur closes the popup.
            <ul
                id=LISTBOX_ID
                class="almanac-qf-list"
                role="listbox"
                aria-label="Matches"
                hidden=move || !expanded()
                on:mousedown=|event| event.prevent_default()
            >
                {move || {
                    hits.get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, hit)| {
                            let selected = move || active_index() == Some(index);
                            view! {
                                <li
                                    id=option_id(index)
                                    class="almanac-qf-option"
                                    class:almanac-qf-active=selected
                                    role="option"
                                    aria-selected=move || if selected() { "true" } else { "false" }
                                    on:mousemove=move |_| active.set(Some(index))
                                >
                                    <a href=hit.href tabindex="-1">
                                        <span class="almanac-qf-title">{hit.title}</span>
                                        <span class="almanac-qf-kind">{hit.kind}</span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="almanac-qf-status" role="status" aria-live="polite">
                {status}
            </p>
        </div>
    }
}
