//! Command-line types (clap). No logic here: see `cmd/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Almanac turns a climate data library into a website, a static STAC catalog
/// and a knowledge graph.
///
/// Exit codes: 0 = no content errors (warnings allowed), 1 = content errors,
/// 2 = usage, configuration or environment failure.
#[derive(Debug, Parser)]
#[command(name = "almanac", version = VERSION, about, long_about = None)]
pub struct Cli {
    /// Project folder (where almanac.toml is).
    #[arg(
        short = 'C',
        long = "root",
        global = true,
        default_value = ".",
        value_name = "DIR"
    )]
    pub root: PathBuf,
    /// How to print diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print only errors and warnings (no progress, no notes).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Also print notes (fields kept but not understood, ignored files).
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `almanac --version`: the release and the front end the binary carries (see `build.rs`).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), ", ", env!("ALMANAC_FRONT_END"));

/// Diagnostic output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `file:line:col: error[code]: message` with a help line.
    Human,
    /// A JSON array on stdout, for CI.
    Json,
    /// GitHub Actions annotations on stdout (`::error file=…,line=…::…`), for pull requests.
    Github,
}

/// How `almanac query` prints results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResultsFormat {
    /// An aligned text table (ASK: `true`/`false`; CONSTRUCT: Turtle).
    Table,
    /// SPARQL 1.1 CSV.
    Csv,
    /// SPARQL 1.1 JSON results.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a new library: almanac.toml with every setting, example content of each kind,
    /// a .gitignore and GitHub workflows (build and deploy to Pages; check pull requests).
    /// Never overwrites a file.
    Init {
        /// The folder to create it in (default: the project folder, `-C`, else `.`).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Build the site from the content folder into the output folder.
    Build {
        /// Output folder (default: build.output_dir from almanac.toml, else public/).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Public URL of the site, ending in `/` (overrides site.base_url).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Read every store again, ignoring the crawl cache (which is then replaced).
        #[arg(long)]
        refresh: bool,
        /// Read no remote store (they are reported as skipped); local stores are still read.
        #[arg(long)]
        offline: bool,
    },
    /// Validate content without writing a site. With paths, check only those
    /// files or feedstock folders (for a feedstock's own CI).
    Check {
        /// Files (meta.yaml, catalog.yaml, .md, .bib, CITATION.cff, web catalog JSON) or folders.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Read every store again, ignoring the crawl cache (which is then replaced).
        #[arg(long)]
        refresh: bool,
        /// Read no remote store (they are reported as skipped); local stores are still read.
        #[arg(long)]
        offline: bool,
    },
    /// Print the facts of one Zarr store (a path or an s3://, gs://, az://, https:// URL),
    /// with the `[crawl]` settings of almanac.toml.
    Inspect {
        /// The store.
        #[arg(value_name = "STORE-URL")]
        url: String,
    },
    /// Run a SPARQL query over the knowledge graph: the graph of the content
    /// folder, built in memory, or a graph file written by `almanac build`.
    Query {
        /// The query (SELECT, ASK, CONSTRUCT or DESCRIBE); or use --file.
        #[arg(
            value_name = "SPARQL",
            required_unless_present = "file",
            conflicts_with = "file"
        )]
        query: Option<String>,
        /// Read the query from a file (e.g. docs/queries/works-using-variable.rq).
        #[arg(short, long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Query this graph file (.nt, .ttl or .jsonld) instead of building the graph from content.
        #[arg(long, value_name = "FILE")]
        graph: Option<PathBuf>,
        /// Result format (default: table, or json with --format json).
        #[arg(long, value_enum, value_name = "FORMAT")]
        results: Option<ResultsFormat>,
    },
    /// Search the library with the site's search index and ranking (built in memory from
    /// the content folder), best matches first.
    Search {
        /// The query, as typed in the site's search box (the last word is a prefix unless
        /// followed by a space).
        #[arg(value_name = "QUERY")]
        query: String,
        /// How many results to print.
        #[arg(short = 'n', long, default_value_t = 10)]
        limit: usize,
    },
    /// Build and serve the site on 127.0.0.1, rebuilding when content changes.
    Serve {
        /// TCP port (default: serve.port from almanac.toml, else 8000).
        #[arg(short, long)]
        port: Option<u16>,
        /// Output folder to build into and serve.
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
}
