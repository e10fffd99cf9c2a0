//! Graph stage: SPARQL over the knowledge graph (oxigraph, in memory), with
//! results as an aligned text table, CSV or SPARQL JSON. The prefixes of
//! [`super::vocab::PREFIXES`] are predeclared, so queries may use them
//! without `PREFIX` lines.

use std::path::Path;

use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::Term;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

use super::vocab;
use crate::error::{Error, Result};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFormat {
    /// An aligned text table with prefixed IRIs (`true`/`false` for ASK).
    Table,
    /// SPARQL 1.1 CSV.
    Csv,
    /// SPARQL 1.1 JSON results.
    Json,
}

/// What a query returned, printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The printed results (CONSTRUCT and DESCRIBE results as Turtle).
    pub text: String,
    /// Number of rows (1 for ASK, the number of triples for CONSTRUCT).
    pub rows: usize,
}

/// Loads a graph file (`.nt`, `.ttl`, `.jsonld`, by extension) into a new store.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read or parsed.
pub fn load(path: &Path) -> Result<Store> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = RdfFormat::from_extension(extension).ok_or_else(|| {
        Error::io(
            path,
            std::io::Error::other("not a graph file (expected .nt, .ttl or .jsonld)"),
        )
    })?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    load_bytes(&bytes, format).map_err(|message| Error::io(path, std::io::Error::other(message)))
}

/// Parses a whole graph file held in memory into a new store.
///
/// The file is parsed as one slice, not through a reader: oxigraph's reader
/// parsers stop when one value needs more than a 16 MiB buffer (its JSON-LD
/// reader on the `graph.jsonld` of a library with 100,000 arrays, or with a
/// 20 MB description), while everything Almanac writes must read back.
fn load_bytes(bytes: &[u8], format: RdfFormat) -> std::result::Result<Store, String> {
    let store = Store::new().map_err(|e| e.to_string())?;
    let quads = RdfParser::from_format(format)
        .for_slice(bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    store.extend(quads).map_err(|e| e.to_string())?;
    Ok(store)
}

/// Runs `query` over `store`.
///
/// # Errors
///
/// [`QueryError`] when the query does not parse or fails to evaluate.
pub fn run(store: &Store, query: &str, format: ResultFormat) -> Result<Answer, QueryError> {
    let mut evaluator = SparqlEvaluator::new();
    for (prefix, namespace) in vocab::PREFIXES {
        evaluator = evaluator
            .with_prefix(*prefix, *namespace)
            .map_err(|e| QueryError(e.to_string()))?;
    }
    let prepared = evaluator
        .parse_query(query)
        .map_err(|e| QueryError(format!("syntax: {e}")))?;
    let results = prepared
        .on_store(store)
        .execute()
        .map_err(|e| QueryError(e.to_string()))?;
    let error = |e: &dyn std::fmt::Display| QueryError(e.to_string());
    match results {
        QueryResults::Boolean(value) => {
            let text = match format {
                ResultFormat::Table => format!("{value}\n"),
                ResultFormat::Csv | ResultFormat::Json => {
                    let serializer = QueryResultsSerializer::from_format(results_format(format));
                    let bytes = serializer
                        .serialize_boolean_to_writer(Vec::new(), value)
                        .map_err(|e| error(&e))?;
                    String::from_utf8_lossy(&bytes).into_owned()
                }
            };
            Ok(Answer { text, rows: 1 })
        }
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for solution in solutions {
                rows.push(solution.map_err(|e| error(&e))?);
            }
            let text = match format {
                ResultFormat::Table => {
                    let header: Vec<String> =
                        variables.iter().map(|v| v.as_str().to_owned()).collect();
                    let cells: Vec<Vec<String>> = rows
                        .iter()
                        .map(|row| {
                            variables
                                .iter()
                                .map(|v| row.get(v).map(show).unwrap_or_default())
                                .collect()
                        })
                        .collect();
                    table(&header, &cells)
                }
                ResultFormat::Csv | ResultFormat::Json => {
                    let serializer = QueryResultsSerializer::from_format(results_format(format));
                    let mut writer = serializer
                        .serialize_solutions_to_writer(Vec::new(), variables)
                        .map_err(|e| error(&e))?;
                    for row in &rows {
                        writer.serialize(row).map_err(|e| error(&e))?;
                    }
                    let bytes = writer.finish().map_err(|e| error(&e))?;
                    let mut text = String::from_utf8_lossy(&bytes).into_owned();
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    text
                }
            };
            Ok(Answer {
                text,
                rows: rows.len(),
            })
        }
        QueryResults::Graph(triples) => {
            let mut all = Vec::new();
            for triple in triples {
                all.push(triple.map_err(|e| error(&e))?);
            }
            // Sorted so that Turtle groups each subject and output is stable.
            all.sort_by_cached_key(ToString::to_string);
            let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle);
            for (prefix, namespace) in vocab::PREFIXES {
                serializer = serializer
                    .with_prefix(*prefix, *namespace)
                    .map_err(|e| error(&e))?;
            }
            let mut writer = serializer.for_writer(Vec::new());
            for triple in &all {
                writer.serialize_triple(triple).map_err(|e| error(&e))?;
            }
            let bytes = writer.finish().map_err(|e| error(&e))?;
            Ok(Answer {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                rows: all.len(),
            })
        }
    }
}

fn results_format(format: ResultFormat) -> QueryResultsFormat {
    match format {
        ResultFormat::Json => QueryResultsFormat::Json,
        ResultFormat::Csv | ResultFormat::Table => QueryResultsFormat::Csv,
    }
}

/// A term for the table: prefixed name or `<iri>`, literal values as they are.
fn show(term: &Term) -> String {
    match term {
        Term::NamedNode(node) => {
            vocab::compact(node.as_str()).unwrap_or_else(|| format!("<{}>", node.as_str()))
        }
        Term::Literal(literal) => literal.value().to_owned(),
        other => other.to_string(),
    }
}

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(clean(cell).chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| {
                let cell = clean(cell);
                let pad = width.saturating_sub(cell.chars().count());
                format!("{cell}{}", " ".repeat(pad))
            })
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&line(&rule));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

/// A query that does not parse or cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Graph, Object};

    fn store() -> Store {
        let mut graph = Graph::default();
        graph.types("https://example.org/d", &[vocab::dcat::DATASET]);
        graph.add(
            "https://example.org/d",
            vocab::dcterms::TITLE,
            Object::text("A, \"quoted\" title"),
        );
        graph.to_store().expect("store")
    }

    #[test]
    fn select_as_table_csv_and_json() {
        let store = store();
        let query = "SELECT ?d ?title WHERE { ?d a dcat:Dataset ; dcterms:title ?title }";
        let table = run(&store, query, ResultFormat::Table).expect("table");
        assert_eq!(table.rows, 1);
        assert!(table.text.starts_with("d  "), "{}", table.text);
        assert!(
            table
                .text
                .contains("<https://example.org/d>  A, \"quoted\" title"),
            "{}",
            table.text
        );
        let csv = run(&store, query, ResultFormat::Csv).expect("csv");
        assert!(
            csv.text.contains("\"A, \"\"quoted\"\" title\""),
            "{}",
            csv.text
        );
        let json = run(&store, query, ResultFormat::Json).expect("json");
        let value: serde_json::Value = serde_json::from_str(&json.text).expect("json");
        assert_eq!(
            value["results"]["bindings"][0]["title"]["value"],
            "A, \"quoted\" title"
        );
    }

    /// A graph with `n` datasets of 50 long variable descriptions each, the first
    /// with a 17 MiB description (a 20 MB description builds, so it is written).
    fn large_graph(n: usize) -> Graph {
        let mut graph = Graph::default();
        graph.add(
            "https://example.org/datasets/d0",
            vocab::dcterms::IDENTIFIER,
            Object::text("long ".repeat(17 * 1024 * 1024 / 5)),
        );
        for d in 0..n {
            let dataset = format!("https://example.org/datasets/d{d}");
            graph.types(&dataset, &[vocab::dcat::DATASET]);
            graph.add(
                &dataset,
                vocab::dcterms::TITLE,
                Object::text(format!("Dataset {d} {}", "x".repeat(200))),
            );
            for v in 0..50 {
                graph.add(
                    &dataset,
                    vocab::dcterms::DESCRIPTION,
                    Object::text(format!("variable {v} of dataset {d} {}", "y".repeat(300))),
                );
            }
        }
        graph
    }

    /// Everything Almanac writes reads back, however large: the JSON-LD, Turtle and
    /// N-Triples of a graph over oxigraph's 16 MiB reader buffer. (Read through a
    /// reader, the JSON-LD fails with "Reached the buffer maximal size of 16777216".)
    #[test]
    fn large_written_graphs_read_back() {
        let graph = large_graph(200);
        let expected = 200 * 52 + 1;
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, bytes) in [
            ("graph.jsonld", crate::graph::serialize::jsonld(&graph)),
            (
                "graph.ttl",
                crate::graph::serialize::turtle(&graph).expect("ttl"),
            ),
            (
                "graph.nt",
                crate::graph::serialize::ntriples(&graph).expect("nt"),
            ),
        ] {
            assert!(
                bytes.len() > 16 * 1024 * 1024,
                "{name}: {} bytes",
                bytes.len()
            );
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).expect("write");
            let store = load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(store.len().expect("len"), expected, "{name}");
            let answer = run(
                &store,
                "SELECT (COUNT(?d) AS ?n) WHERE { ?d a dcat:Dataset }",
                ResultFormat::Csv,
            )
            .expect("count");
            assert!(answer.text.contains("200"), "{name}: {}", answer.text);
        }
    }

    #[test]
    fn ask_construct_and_errors() {
        let store = store();
        let ask = run(&store, "ASK { ?d a dcat:Dataset }", ResultFormat::Table).expect("ask");
        assert_eq!(ask.text, "true\n");
        let construct = run(
            &store,
            "CONSTRUCT { ?d schema:name ?t } WHERE { ?d dcterms:title ?t }",
            ResultFormat::Table,
        )
        .expect("construct");
        assert_eq!(construct.rows, 1);
        assert!(construct.text.contains("schema:name"), "{}", construct.text);
        assert!(run(&store, "SELECT WHERE {", ResultFormat::Table).is_err());
    }
}
