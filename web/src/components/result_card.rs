//! One result of a search: kind, linked title, summary and tags.

use almanac_model::EntitySummary;
use leptos::prelude::*;

use crate::api;

/// A result card for `summary`, linking from the site's `base`.
#[component]
#[expect(
    clippy::needless_pass_by_value,
    reason = "leptos passes props by value"
)]
pub fn ResultCard(summary: std::rc::Rc<EntitySummary>, base: String) -> impl IntoView {
    let href = api::site_url(&base, &summary.url);
    let tags = summary.tags.clone();
    view! {
        <li class="almanac-result" data-kind=summary.kind.name()>
            <p class="almanac-result-kind">{summary.kind.label()}</p>
            <h3 class="almanac-result-title">
                <a href=href>{summary.title.clone()}</a>
            </h3>
            <p class="almanac-result-summary">{summary.summary.clone()}</p>
            {(!tags.is_empty())
                .then(|| {
                    view! {
                        <ul class="almanac-result-tags" aria-label="Tags">
                            {tags.into_iter().map(|tag| view! { <li>{tag}</li> }).collect_view()}
                        </ul>
                    }
                })}
        </li>
    }
}
