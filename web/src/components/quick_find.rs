//! The quick find in the page header: a combobox that searches the library as you type, with
//! the static index's type-ahead (prefix, stemming, typos), and links to the best matches.
//!
//! The index entry is fetched on first focus or keystroke, not on page load; each keystroke
//! fetches only the term shards it needs (which carry the cards of their terms' best
//! matches), and fragments only for matches without a card. Keyboard and ARIA follow the WAI-ARIA
//! combobox pattern with a listbox popup. Enter without a highlighted match opens the search
//! page for the query.

use std::rc::Rc;

use almanac_model::search::{CARDS_PER_TERM, Card};
use leptos::{ev::KeyboardEvent, prelude::*, task::spawn_local};

use crate::{api, engine::engine, state::SearchState};

/// How many matches the popup shows: as many as a term shard carries cards for per term, so
/// a one-word query needs no request beyond its term shard.
const MAX_RESULTS: usize = CARDS_PER_TERM;
const INPUT_ID: &str = "almanac-quick-find-input";
const LISTBOX_ID: &str = "almanac-quick-find-listbox";
/// Default look; class names are prefixed `almanac-qf` so a theme can restyle them.
const STYLE: &str = include_str!("quick_find.css");

/// One match as shown in the popup.
#[derive(Debug, Clone, PartialEq)]
struct Hit {
    title: String,
    kind: &'static str,
    href: String,
}

impl Hit {
    fn new(card: &Card, base: &str) -> Self {
        Self {
            title: card.title.clone(),
            kind: card.kind.label(),
            href: api::site_url(base, &card.url),
        }
    }
}

/// Where the last search stands.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Loading,
    Done,
    Failed,
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

/// The search page's URL for `query`.
fn search_href(base: &str, query: &str) -> String {
    let state = SearchState {
        query: query.to_owned(),
        ..SearchState::default()
    };
    format!(
        "{}{}",
        api::site_url(base, "search/"),
        state.to_query_string()
    )
}

/// The search box and its popup of matches.
#[component]
pub fn QuickFind() -> impl IntoView {
    let base = api::base_path();
    let query = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let hits = RwSignal::new(Vec::<Hit>::new());
    let status = RwSignal::new(Status::Idle);
    // The query the shown matches belong to, for tests and benchmarks.
    let done_for = RwSignal::new(String::new());
    // Only the answer to the latest keystroke is shown.
    let generation = StoredValue::new(0u64);

    let run_base = base.clone();
    let run = move |text: String| {
        let current = generation.get_value() + 1;
        generation.set_value(current);
        if text.trim().is_empty() {
            hits.set(Vec::new());
            status.set(Status::Idle);
            return;
        }
        status.set(Status::Loading);
        let base = run_base.clone();
        spawn_local(async move {
            let result = engine().quick(&text, MAX_RESULTS).await;
            if generation.get_value() != current {
                return;
            }
            match result {
                Ok(cards) => {
                    hits.set(
                        cards
                            .iter()
                            .map(|card: &Rc<Card>| Hit::new(card, &base))
                            .collect(),
                    );
                    status.set(Status::Done);
                    done_for.set(text);
                }
                Err(error) => {
                    leptos::logging::warn!("quick find: {error}");
                    hits.set(Vec::new());
                    status.set(Status::Failed);
                }
            }
        });
    };

    let expanded = move || open.get() && hits.with(|hits| !hits.is_empty());
    // The highlighted option, if it is still one of the current matches.
    let active_index = move || active.get().filter(|&index| index < hits.with(Vec::len));

    let status_text = move || {
        if !open.get() || query.with(|query| query.trim().is_empty()) {
            return "";
        }
        match status.get() {
            Status::Failed => "Search is unavailable.",
            Status::Done if hits.with(Vec::is_empty) => "No matches.",
            Status::Loading if hits.with(Vec::is_empty) => "Searching…",
            _ => "",
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
                // A highlighted match opens its page; otherwise the search page opens.
                let chosen = active_index().and_then(|index| {
                    hits.with(|hits| hits.get(index).map(|hit| hit.href.clone()))
                });
                let text = query.get_untracked();
                let href = match chosen {
                    Some(href) => href,
                    None if !text.trim().is_empty() => search_href(&base, &text),
                    None => return,
                };
                event.prevent_default();
                follow(&href, event.ctrl_key() || event.meta_key());
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
        <div class="almanac-qf" data-almanac-done=move || done_for.get()>
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
                    open.set(true);
                    // Fetch the index entry now, so the first keystroke needs one request less.
                    spawn_local(async {
                        let _ = engine().quick("", 0).await;
                    });
                }
                on:blur=move |_| {
                    open.set(false);
                    active.set(None);
                }
                on:input:target=move |event| {
                    open.set(true);
                    active.set(None);
                    let text = event.target().value();
                    query.set(text.clone());
                    run(text);
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
                {status_text}
            </p>
        </div>
    }
}
