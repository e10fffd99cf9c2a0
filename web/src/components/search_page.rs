//! The search page (`search/`): a query box, facets with counts (kind, tags, variables,
//! providers, licence, time range, region), result cards, and the state in the URL so a search
//! can be shared and reloaded. It takes over from the page's plain form, which is hidden.

use almanac_model::EntityKind;
use almanac_model::search::Facet;
use leptos::{ev, prelude::*, task::spawn_local};
use wasm_bindgen::JsValue;

use crate::api;
use crate::components::result_card::ResultCard;
use crate::engine::{Outcome, engine};
use crate::state::{SearchState, parse_bbox};

/// Results shown at first, and added by "Show more".
const PAGE: usize = 20;
/// Facet values shown per facet.
const MAX_VALUES: usize = 12;
/// Default look; class names are prefixed `almanac-search` so a theme can restyle them.
const STYLE: &str = include_str!("search_page.css");

/// The location's query string.
fn location_search() -> String {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default()
}

/// Puts `state` into the address bar: a new history entry when `push`, else in place.
fn write_url(state: &SearchState, push: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let url = format!("{path}{}", state.to_query_string());
    // Failing to update the address bar only loses shareability, never the search.
    let _ = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
}

/// Hides the server-rendered form the app replaces.
fn hide_static_form() {
    let form = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector("form.search-form").ok().flatten());
    if let Some(form) = form {
        let _ = form.set_attribute("hidden", "");
    }
}

fn facet_value_label(facet: Facet, value: &str) -> String {
    match facet {
        Facet::Kind => EntityKind::parse(value)
            .map_or_else(|| value.to_owned(), |kind| kind.plural_label().to_owned()),
        _ => value.to_owned(),
    }
}

/// The search page.
#[component]
pub fn SearchPage() -> impl IntoView {
    hide_static_form();
    let base = api::base_path();
    let state = RwSignal::new(SearchState::from_query_string(&location_search()));
    let limit = RwSignal::new(PAGE);
    let outcome = RwSignal::new_local(None::<Result<Outcome, String>>);
    // The query the shown results belong to, for tests and benchmarks.
    let done_for = RwSignal::new(String::new());
    let generation = StoredValue::new(0u64);

    Effect::new(move |_| {
        let state = state.get();
        let limit = limit.get();
        let current = generation.get_value() + 1;
        generation.set_value(current);
        spawn_local(async move {
            let result = engine()
                .search(&state.query, &state.filters(), true, limit)
                .await
                .map_err(|error| error.to_string());
            if generation.get_value() == current {
                if let Err(error) = &result {
                    leptos::logging::warn!("search: {error}");
                }
                outcome.set(Some(result));
                done_for.set(state.to_query_string());
            }
        });
    });

    // Back and forward restore the search of that history entry.
    let listener = window_event_listener(ev::popstate, move |_| {
        limit.set(PAGE);
        state.set(SearchState::from_query_string(&location_search()));
    });
    on_cleanup(move || listener.remove());

    let update = move |change: &dyn Fn(&mut SearchState), push: bool| {
        state.update(|state| change(state));
        limit.set(PAGE);
        write_url(&state.get_untracked(), push);
    };

    let facets_view = move || {
        let Some(Ok(outcome)) = outcome.get() else {
            return ().into_any();
        };
        outcome
            .facets
            .into_iter()
            .filter(|(_, values)| !values.is_empty())
            .map(|(facet, values)| {
                let items = values
                    .into_iter()
                    .take(MAX_VALUES)
                    .map(|(value, count)| {
                        let label = facet_value_label(facet, &value);
                        let checked = state.with(|s| s.is_selected(facet, &value));
                        let toggle = value.clone();
                        view! {
                            <li>
                                <label>
                                    <input
                                        type="checkbox"
                                        name=facet.name()
                                        value=value
                                        prop:checked=checked
                                        on:change=move |_| {
                                            update(&|s: &mut SearchState| s.toggle(facet, &toggle), true);
                                        }
                                    />
                                    <span class="almanac-search-value">{label}</span>
                                    " "
                                    <span class="almanac-search-count">{count}</span>
                                </label>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <fieldset class="almanac-search-facet" data-facet=facet.name()>
                        <legend>{facet.label()}</legend>
                        <ul>{items}</ul>
                    </fieldset>
                }
            })
            .collect_view()
            .into_any()
    };

    let results_base = base;
    let results_view = move || match outcome.get() {
        None => {
            view! { <p class="almanac-search-status" role="status">"Searching…"</p> }.into_any()
        }
        Some(Err(_)) => {
            view! { <p class="almanac-search-status" role="status">"Search is unavailable."</p> }
                .into_any()
        }
        Some(Ok(outcome)) => {
            let total = outcome.total;
            let shown = outcome.hits.len();
            let base = results_base.clone();
            let status = match total {
                0 => "No results.".to_owned(),
                1 => "1 result".to_owned(),
                n => format!("{n} results"),
            };
            view! {
                <p class="almanac-search-status" role="status">{status}</p>
                <ol class="almanac-results">
                    {outcome
                        .hits
                        .into_iter()
                        .map(|summary| view! { <ResultCard summary base=base.clone() /> })
                        .collect_view()}
                </ol>
                {(shown < total)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="almanac-search-more"
                                on:click=move |_| limit.update(|limit| *limit += PAGE)
                            >
                                "Show more"
                            </button>
                        }
                    })}
            }
            .into_any()
        }
    };

    let year = |text: String| text.trim().parse::<i32>().ok();

    view! {
        <style>{STYLE}</style>
        <div class="almanac-search" data-almanac-done=move || done_for.get()>
            <form
                class="almanac-search-bar"
                role="search"
                on:submit=move |event: ev::SubmitEvent| event.prevent_default()
            >
                <label for="almanac-search-input">"Search the library"</label>
                <input
                    id="almanac-search-input"
                    type="search"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || state.with(|s| s.query.clone())
                    on:input:target=move |event| {
                        let text = event.target().value();
                        update(&|s: &mut SearchState| s.query.clone_from(&text), false);
                    }
                />
            </form>
            <div class="almanac-search-body">
                <aside class="almanac-search-facets" aria-label="Filters">
                    {facets_view}
                    <fieldset class="almanac-search-facet" data-facet="time">
                        <legend>"Time range"</legend>
                        <label>
                            "From year "
                            <input
                                type="number"
                                name="from"
                                prop:value=move || state.with(|s| s.from.map(|y| y.to_string()).unwrap_or_default())
                                on:change:target=move |event| {
                                    let from = year(event.target().value());
                                    update(&|s: &mut SearchState| s.from = from, true);
                                }
                            />
                        </label>
                        <label>
                            "To year "
                            <input
                                type="number"
                                name="to"
                                prop:value=move || state.with(|s| s.to.map(|y| y.to_string()).unwrap_or_default())
                                on:change:target=move |event| {
                                    let to = year(event.target().value());
                                    update(&|s: &mut SearchState| s.to = to, true);
                                }
                            />
                        </label>
                    </fieldset>
                    <fieldset class="almanac-search-facet" data-facet="bbox">
                        <legend>"Region"</legend>
                        <label>
                            "Bounding box (west, south, east, north) "
                            <input
                                type="text"
                                name="bbox"
                                placeholder="-10, 35, 30, 60"
                                prop:value=move || state.with(|s| s.bbox.map(|[w, s, e, n]| format!("{w}, {s}, {e}, {n}")).unwrap_or_default())
                                on:change:target=move |event| {
                                    let bbox = parse_bbox(&event.target().value());
                                    update(&|s: &mut SearchState| s.bbox = bbox, true);
                                }
                            />
                        </label>
                    </fieldset>
                    <button
                        type="button"
                        class="almanac-search-clear"
                        disabled=move || !state.with(SearchState::has_filters)
                        on:click=move |_| {
                            update(
                                &|s: &mut SearchState| {
                                    *s = SearchState {
                                        query: s.query.clone(),
                                        ..SearchState::default()
                                    };
                                },
                                true,
                            );
                        }
                    >
                        "Clear filters"
                    </button>
                </aside>
                <section class="almanac-search-results" aria-labelledby="almanac-results-heading">
                    <h2 id="almanac-results-heading" class="visually-hidden">"Results"</h2>
                    {results_view}
                </section>
            </div>
        </div>
    }
}
