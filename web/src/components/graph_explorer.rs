//! The graph explorer on entity pages: the entity's neighbourhood in the knowledge graph
//! (`graph/<kind>/<id>.json`, written by the graph stage) drawn as nodes and edges; clicking a
//! node (or Enter on it) selects it and adds its own neighbourhood.

use leptos::{prelude::*, task::spawn_local};
use serde::Deserialize;

use crate::api;

/// Default look; class names are prefixed `almanac-graph` so a theme can restyle them.
const STYLE: &str = include_str!("graph_explorer.css");
/// Distance from an expanded node to the nodes it adds.
const RADIUS: f64 = 130.0;
/// Longest label drawn; the full title is in the node's tooltip and the selection line.
const MAX_LABEL: usize = 26;

/// A neighbourhood file as the graph stage writes it.
#[derive(Debug, Clone, Deserialize)]
struct Neighbourhood {
    nodes: Vec<NodeData>,
    edges: Vec<EdgeData>,
}

#[derive(Debug, Clone, Deserialize)]
struct NodeData {
    id: String,
    kind: String,
    entity: String,
    title: String,
    url: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct EdgeData {
    source: String,
    target: String,
    label: String,
}

/// A node as drawn.
#[derive(Debug, Clone, PartialEq)]
struct Node {
    id: String,
    kind: String,
    entity: String,
    title: String,
    url: String,
    x: f64,
    y: f64,
    expanded: bool,
}

/// `datasets/x/` → `graph/datasets/x.json`.
fn graph_path(page_path: &str) -> String {
    format!("graph/{}.json", page_path.trim_matches('/'))
}

fn label(title: &str) -> String {
    // Parenthetical asides go first ("M²LInES (Multiscale …)" shows "M²LInES"), then the label
    // is cut after a whole word, without an ellipsis: the visible label stays a contiguous part
    // of the node's accessible name (the full title), as WCAG's "label in name" asks. A first
    // word longer than the limit is shown whole. The full title is in the node's tooltip.
    let mut plain = String::new();
    let mut depth = 0_usize;
    for c in title.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let plain = if plain.is_empty() {
        title.trim().to_owned()
    } else {
        plain
    };
    if plain.chars().count() <= MAX_LABEL {
        return plain;
    }
    let mut out = String::new();
    for word in plain.split(' ') {
        let longer = out.chars().count() + usize::from(!out.is_empty()) + word.chars().count();
        if !out.is_empty() && longer > MAX_LABEL {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if longer >= MAX_LABEL {
            break;
        }
    }
    out
}

/// Adds `neighbourhood` around the node `centre` (index into `nodes`): new nodes on a circle
/// (the first expansion) or a half circle facing away from the origin.
fn merge(
    nodes: &mut Vec<Node>,
    edges: &mut Vec<EdgeData>,
    centre: usize,
    neighbourhood: Neighbourhood,
) {
    let (cx, cy) = (nodes[centre].x, nodes[centre].y);
    nodes[centre].expanded = true;
    let fresh: Vec<NodeData> = neighbourhood
        .nodes
        .into_iter()
        .filter(|node| !nodes.iter().any(|have| have.id == node.id))
        .collect();
    let root = cx == 0.0 && cy == 0.0;
    let (start, spread) = if root {
        (-std::f64::consts::FRAC_PI_2, std::f64::consts::TAU)
    } else {
        let away = cy.atan2(cx);
        (away - std::f64::consts::FRAC_PI_2, std::f64::consts::PI)
    };
    let count = fresh.len() as f64;
    for (index, node) in fresh.into_iter().enumerate() {
        let step = if root {
            spread / count
        } else {
            spread / (count + 1.0)
        };
        let angle = start + step * (index as f64 + if root { 0.0 } else { 1.0 });
        nodes.push(Node {
            id: node.id,
            kind: node.kind,
            entity: node.entity,
            title: node.title,
            url: node.url,
            x: cx + RADIUS * angle.cos(),
            y: cy + RADIUS * angle.sin(),
            expanded: false,
        });
    }
    for edge in neighbourhood.edges {
        if !edges.contains(&edge) {
            edges.push(edge);
        }
    }
}

/// The explorer for the page at `page_path` (`datasets/x/`).
#[component]
pub fn GraphExplorer(page_path: String) -> impl IntoView {
    let base = api::base_path();
    let nodes = RwSignal::new(Vec::<Node>::new());
    let edges = RwSignal::new(Vec::<EdgeData>::new());
    let selected = RwSignal::new(None::<String>);
    let failed = RwSignal::new(false);

    let fetch_base = base.clone();
    let expand = move |path: String, centre: Option<String>| {
        let base = fetch_base.clone();
        spawn_local(async move {
            let result: Result<Neighbourhood, _> =
                api::decoded(&base, &graph_path(&path), |bytes: &[u8]| {
                    serde_json::from_slice::<Neighbourhood>(bytes)
                })
                .await;
            match result {
                Ok(neighbourhood) => {
                    nodes.update(|nodes| {
                        let centre = match &centre {
                            Some(id) => nodes.iter().position(|node| &node.id == id),
                            None => {
                                // The page's own entity is the first node of its file? Not
                                // necessarily: find the node whose URL is this page.
                                let me = neighbourhood
                                    .nodes
                                    .iter()
                                    .find(|node| {
                                        node.url.trim_matches('/') == path.trim_matches('/')
                                    })
                                    .cloned();
                                me.map(|me| {
                                    nodes.push(Node {
                                        id: me.id,
                                        kind: me.kind,
                                        entity: me.entity,
                                        title: me.title,
                                        url: me.url,
                                        x: 0.0,
                                        y: 0.0,
                                        expanded: false,
                                    });
                                    nodes.len() - 1
                                })
                            }
                        };
                        if let Some(centre) = centre {
                            edges.update(|edges| merge(nodes, edges, centre, neighbourhood));
                        }
                    });
                }
                Err(error) => {
                    leptos::logging::warn!("graph explorer: {error}");
                    failed.set(true);
                }
            }
        });
    };
    expand(page_path, None);

    let view_box = move || {
        nodes.with(|nodes| {
            let (mut min_x, mut min_y, mut max_x, mut max_y) =
                (-60.0f64, -60.0f64, 60.0f64, 60.0f64);
            for node in nodes {
                min_x = min_x.min(node.x);
                min_y = min_y.min(node.y);
                max_x = max_x.max(node.x);
                max_y = max_y.max(node.y);
            }
            let pad = 40.0;
            format!(
                "{} {} {} {}",
                min_x - pad * 3.0,
                min_y - pad,
                max_x - min_x + pad * 6.0,
                max_y - min_y + pad * 2.0
            )
        })
    };

    let lines = move || {
        let nodes = nodes.get();
        let position = |id: &str| {
            nodes
                .iter()
                .find(|node| node.id == id)
                .map(|node| (node.x, node.y))
        };
        edges
            .get()
            .into_iter()
            .filter_map(|edge| {
                let (x1, y1) = position(&edge.source)?;
                let (x2, y2) = position(&edge.target)?;
                Some(view! {
                    <line class="almanac-graph-edge" x1=x1 y1=y1 x2=x2 y2=y2>
                        <title>{edge.label}</title>
                    </line>
                })
            })
            .collect_view()
    };

    let circles = move || {
        nodes
            .get()
            .into_iter()
            .map(|node| {
                let expand = expand.clone();
                let id = node.id.clone();
                let url = node.url.clone();
                let activate = move || {
                    selected.set(Some(id.clone()));
                    let already = nodes.with_untracked(|nodes| {
                        nodes.iter().any(|n| n.id == id && n.expanded)
                    });
                    if !already {
                        expand(url.clone(), Some(id.clone()));
                    }
                };
                let on_key = activate.clone();
                let is_selected = {
                    let id = node.id.clone();
                    move || selected.with(|s| s.as_deref() == Some(id.as_str()))
                };
                view! {
                    <g
                        class=format!("almanac-graph-node almanac-graph-{}", node.kind)
                        class:almanac-graph-selected=is_selected
                        data-entity=node.entity.clone()
                        data-expanded=if node.expanded { "true" } else { "false" }
                        tabindex="0"
                        role="button"
                        aria-label=format!("{} ({}): show connections", node.title, node.kind)
                        on:click=move |_| activate()
                        on:keydown=move |event: leptos::ev::KeyboardEvent| {
                            if event.key() == "Enter" || event.key() == " " {
                                event.prevent_default();
                                on_key();
                            }
                        }
                    >
                        <title>{node.title.clone()}</title>
                        <circle cx=node.x cy=node.y r=if node.expanded { 11 } else { 8 }></circle>
                        <text x=node.x y=node.y + 24.0 text-anchor="middle" aria-hidden="true">{label(&node.title)}</text>
                    </g>
                }
            })
            .collect_view()
    };

    let selection = move || {
        let id = selected.get()?;
        let node = nodes.with(|nodes| nodes.iter().find(|node| node.id == id).cloned())?;
        let href = api::site_url(&base, &node.url);
        Some(view! {
            <p class="almanac-graph-selection">
                "Selected: " <a href=href>{node.title}</a> " " <span class="almanac-graph-kind">{node.kind}</span>
            </p>
        })
    };

    view! {
        <style>{STYLE}</style>
        <section class="almanac-graph" aria-labelledby="almanac-graph-heading">
            <h2 id="almanac-graph-heading">"Graph"</h2>
            <p class="almanac-graph-hint">"Select a node to show its connections."</p>
            {move || failed.get().then(|| view! { <p>"The graph is unavailable."</p> })}
            <svg class="almanac-graph-canvas" viewBox=view_box role="group" aria-label="Connections in the knowledge graph">
                {lines}
                {circles}
            </svg>
            {selection}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_paths_follow_page_paths() {
        assert_eq!(graph_path("datasets/ostia/"), "graph/datasets/ostia.json");
        assert_eq!(label("short"), "short");
        // One long word is shown whole.
        assert_eq!(label(&"x".repeat(40)), "x".repeat(40));
        assert_eq!(
            label("pyqg_parameterization_benchmarks"),
            "pyqg_parameterization_benchmarks"
        );
        // Cut after a whole word, without an ellipsis, so the label is part of the title.
        let title = "LEAP Center for Learning the Earth with Artificial Intelligence and Physics";
        let short = label(title);
        assert!(
            title.starts_with(&short) && short.len() < title.len(),
            "{short}"
        );
        assert!(title[short.len()..].starts_with(' '), "{short}");
        assert!(short.chars().count() <= MAX_LABEL, "{short}");
        // Parenthetical asides are left out.
        assert_eq!(
            label("M²LInES (Multiscale Machine Learning In Coupled Earth System Modeling)"),
            "M²LInES"
        );
        assert_eq!(
            label("ClimSim CNN baseline (1-D ResNet over vertical levels)"),
            "ClimSim CNN baseline"
        );
    }
}
