//! Almanac front end (placeholder until the web helper lands).
