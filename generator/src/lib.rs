//! Almanac generator library.
