//! Fetching one file for the sources stage: the URL checked by the guard, a GitHub blob URL
//! read raw, a conditional request when the cache has the file, retries with backoff on
//! connection errors, timeouts and 5xx answers (never on 4xx), the body read up to
//! `limits.content_file_bytes`, and web pages refused.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::{StatusCode, Url};

use crate::sources::cache::{Cached, Entry, SourceCache};
use crate::sources::guard::{self, GuardedResolver};
use crate::sources::settings::SourcesSettings;
use crate::sources::urls;

/// The most redirects followed for one file.
const MAX_REDIRECTS: usize = 5;

/// Why a file could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The diagnostic code.
    pub code: &'static str,
    /// What went wrong, without the URL (the caller names it in its public form).
    pub message: String,
    /// How to fix it.
    pub help: Option<&'static str>,
}

impl Problem {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            help: None,
        }
    }
}

/// How a file was had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Downloaded (a `200` answer).
    Downloaded,
    /// The server answered `304 Not Modified`: the cached body is current.
    Revalidated,
    /// Taken from the cache without asking (offline).
    Cached,
    /// The server could not be reached or failed; the copy an earlier build cached is used.
    Stale,
}

/// A file that was had.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Its text.
    pub text: String,
    /// How.
    pub how: How,
    /// The cache key (the fetched URL's public form) and what to keep under it.
    pub entry: Option<(String, Entry)>,
    /// Why the cached copy was used instead of a fresh one ([`How::Stale`]).
    pub stale_because: Option<Problem>,
}

/// Fetches files for one build.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: SourcesSettings,
    cache: Arc<SourceCache>,
    /// Use the cache only.
    pub offline: bool,
    /// Download everything again (no conditional requests).
    pub refresh: bool,
    max_bytes: u64,
}

impl Fetcher {
    /// A fetcher with `settings`, `cache`, and bodies of at most `max_bytes`.
    ///
    /// # Errors
    ///
    /// The client's error text when it cannot be built (no TLS roots, …).
    pub fn new(
        settings: &SourcesSettings,
        cache: Arc<SourceCache>,
        max_bytes: u64,
    ) -> Result<Self, String> {
        let allowed = settings.allow_private_hosts.clone();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_seconds.max(1)))
            .redirect(guard::redirect_policy(MAX_REDIRECTS, allowed.clone()))
            .dns_resolver(GuardedResolver { allowed })
            .user_agent(concat!("almanac/", env!("CARGO_PKG_VERSION")))
            .referer(false)
            .build()
            .map_err(|error| chain(&error.without_url()))?;
        Ok(Self {
            client,
            settings: settings.clone(),
            cache,
            offline: false,
            refresh: false,
            max_bytes,
        })
    }

    /// Fetches `listed` (a URL as a list or a `catalog.yaml` gives it).
    ///
    /// # Errors
    ///
    /// The [`Problem`] to report when no text can be had.
    pub async fn fetch(&self, listed: &str) -> Result<Fetched, Problem> {
        let target = urls::raw_url(listed);
        let url = Url::parse(&target).map_err(|error| {
            Problem::new(guard::BAD_URL, format!("this is not a URL ({error})"))
        })?;
        guard::check_url(&url, &self.settings.allow_private_hosts)
            .map_err(|refusal| Problem::new(refusal.code, refusal.message))?;
        let key = urls::shown(&target);
        let cached = self.cache.get(&key);
        if self.offline {
            return cached.map(|c| keep(key, c, How::Cached, None)).ok_or_else(|| {
                Problem {
                    help: Some("build once online to fill the cache, or set `[crawl] offline = false`"),
                    ..Problem::new(
                        "source-offline",
                        "not fetched: `[crawl] offline` is set and no earlier build cached this file",
                    )
                }
            });
        }
        let validators = cached.as_ref().filter(|_| !self.refresh);
        let mut attempt = 0;
        let failure = loop {
            let transient = match self.attempt(&url, validators).await {
                Attempt::Done(Answer::Body(text, headers)) => {
                    let entry = Entry {
                        file: SourceCache::file_name(&key),
                        e_tag: header(&headers, &ETAG),
                        last_modified: header(&headers, &LAST_MODIFIED),
                    };
                    return Ok(Fetched {
                        text,
                        how: How::Downloaded,
                        entry: Some((key, entry)),
                        stale_because: None,
                    });
                }
                Attempt::Done(Answer::NotModified) => match cached {
                    Some(cached) => return Ok(keep(key, cached, How::Revalidated, None)),
                    None => {
                        return Err(Problem::new(
                            "source-http-status",
                            "the server answered 304 Not Modified to a request that asked for the whole file",
                        ));
                    }
                },
                Attempt::Failed(problem) => return Err(problem),
                Attempt::Transient(problem) => problem,
            };
            if attempt >= self.settings.retries {
                break transient;
            }
            tokio::time::sleep(backoff(attempt)).await;
            attempt += 1;
        };
        match cached {
            Some(cached) => Ok(keep(key, cached, How::Stale, Some(failure))),
            None => Err(failure),
        }
    }

    async fn attempt(&self, url: &Url, cached: Option<&Cached>) -> Attempt {
        let mut request = self.client.get(url.clone()).header(
            reqwest::header::ACCEPT,
            "application/yaml, text/yaml, text/plain;q=0.9, */*;q=0.5",
        );
        if let Some(cached) = cached {
            if let Some(tag) = &cached.entry.e_tag {
                request = request.header(IF_NONE_MATCH, tag);
            }
            if let Some(modified) = &cached.entry.last_modified {
                request = request.header(IF_MODIFIED_SINCE, modified);
            }
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return failed_request(error),
        };
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Attempt::Done(Answer::NotModified);
        }
        if !status.is_success() {
            let problem = Problem::new(
                "source-http-status",
                format!("the server answered {status}"),
            );
            return if status.is_server_error() {
                Attempt::Transient(problem)
            } else {
                Attempt::Failed(problem)
            };
        }
        let headers = response.headers().clone();
        let media_type = header(&headers, &CONTENT_TYPE)
            .unwrap_or_default()
            .to_ascii_lowercase();
        if media_type.starts_with("text/html") || media_type.starts_with("application/xhtml") {
            return Attempt::Failed(Problem {
                help: Some(
                    "list the file itself: a GitHub `…/blob/…` URL or a raw URL, not a repository or folder page",
                ),
                ..Problem::new("source-not-yaml", "this URL gives a web page, not YAML")
            });
        }
        match self.body(response).await {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Attempt::Done(Answer::Body(text, headers)),
                Err(_) => Attempt::Failed(Problem::new(
                    "source-not-yaml",
                    "the file is not UTF-8 text",
                )),
            },
            Err(attempt) => attempt,
        }
    }

    /// The body, at most `max_bytes` of it.
    async fn body(&self, mut response: reqwest::Response) -> Result<Vec<u8>, Attempt> {
        let too_large = || {
            Attempt::Failed(Problem {
                help: Some("raise `[limits] content_file_bytes` in almanac.toml"),
                ..Problem::new(
                    "source-too-large",
                    format!(
                        "the file is larger than {} bytes (`limits.content_file_bytes`); skipped",
                        self.max_bytes
                    ),
                )
            })
        };
        if response
            .content_length()
            .is_some_and(|length| length > self.max_bytes)
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    bytes.extend_from_slice(&chunk);
                    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > self.max_bytes {
                        return Err(too_large());
                    }
                }
                Ok(None) => return Ok(bytes),
                Err(error) => return Err(failed_request(error)),
            }
        }
    }
}

/// What one request gave.
enum Attempt {
    Done(Answer),
    /// Worth trying again (connection error, timeout, 5xx).
    Transient(Problem),
    /// Final.
    Failed(Problem),
}

enum Answer {
    Body(String, HeaderMap),
    NotModified,
}

fn keep(key: String, cached: Cached, how: How, stale_because: Option<Problem>) -> Fetched {
    Fetched {
        text: cached.text,
        how,
        entry: Some((key, cached.entry)),
        stale_because,
    }
}

fn failed_request(error: reqwest::Error) -> Attempt {
    if let Some(refusal) = guard::refusal_in(&error) {
        return Attempt::Failed(Problem::new(refusal.code, refusal.message));
    }
    let last = error.is_builder() || error.is_redirect();
    let message = format!("cannot fetch the file: {}", chain(&error.without_url()));
    let problem = Problem::new("source-unreachable", message);
    if last {
        Attempt::Failed(problem)
    } else {
        Attempt::Transient(problem)
    }
}

/// An error and its causes, `: `-separated (reqwest's own text says only "error sending request").
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        let next = current.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cause = current.source();
    }
    text
}

fn header(headers: &HeaderMap, name: &reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// 250 ms, 500 ms, 1 s, … up to 4 s.
fn backoff(attempt: usize) -> Duration {
    let factor = 1_u64 << attempt.min(4);
    Duration::from_millis(250 * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_bound() {
        assert_eq!(backoff(0), Duration::from_millis(250));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(9), Duration::from_secs(4));
    }
}
