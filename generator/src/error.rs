//! The one error type of the generator library: program and environment
//! failures (exit code 2). Problems in content are diagnostics, not errors.

use std::path::PathBuf;

/// A failure that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `almanac.toml` could not be read or is invalid.
    #[error("{path}: {message}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, with line and column when known.
        message: String,
    },
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The output folder cannot be used.
    #[error("output folder {path}: {message}")]
    Output {
        /// The output folder.
        path: PathBuf,
        /// Why not.
        message: String,
    },
    /// The theme's templates could not be loaded or rendered.
    #[error("theme {theme}: {message}")]
    Theme {
        /// The theme folder.
        theme: PathBuf,
        /// What went wrong, with the template's name.
        message: String,
    },
    /// The preview server could not start.
    #[error("cannot serve on {address}: {message}")]
    Serve {
        /// The address it tried.
        address: String,
        /// Why not.
        message: String,
    },
}

impl Error {
    /// An I/O error at `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
