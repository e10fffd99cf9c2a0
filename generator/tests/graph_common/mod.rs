//! What the knowledge-graph tests (graph.rs, graph_pages.rs) share: the demo built once per
//! test file, RDF files parsed into a store, ASK queries with the graph's prefixes.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use almanac::BuildOptions;
use almanac::graph::{self, Iris};
use almanac_model::Library;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator crate is inside the workspace")
        .to_path_buf()
}

/// The demo built once for every test of the including test file.
pub fn demo() -> &'static (PathBuf, Library) {
    static BUILT: OnceLock<(PathBuf, Library)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let public = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(concat!(env!("CARGO_CRATE_NAME"), "-demo/public"));
        let mut options = BuildOptions::for_project(&repo()).expect("the demo's almanac.toml");
        options.output = Some(public.clone());
        let report = almanac::build(&options).expect("the demo builds");
        (public, report.library)
    })
}

pub fn parse(path: &Path) -> Store {
    let format = RdfFormat::from_extension(
        path.extension()
            .and_then(|e| e.to_str())
            .expect("extension"),
    )
    .expect("an RDF format");
    let store = Store::new().expect("store");
    let bytes = std::fs::read(path).expect("read graph file");
    store
        .load_from_reader(RdfParser::from_format(format), bytes.as_slice())
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    store
}

pub fn ask(store: &Store, query: &str) -> bool {
    let mut evaluator = SparqlEvaluator::new();
    for (prefix, namespace) in graph::vocab::PREFIXES {
        evaluator = evaluator.with_prefix(*prefix, *namespace).expect("prefix");
    }
    match evaluator
        .parse_query(query)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .on_store(store)
        .execute()
        .expect("evaluate")
    {
        QueryResults::Boolean(value) => value,
        _ => panic!("not an ASK query: {query}"),
    }
}

pub fn turtle_store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| parse(&demo().0.join("graph/graph.ttl")))
}

pub fn iris(library: &Library) -> Iris {
    let options = BuildOptions::for_project(&repo()).expect("config");
    Iris::new(library, &options.config)
}
