//! UI components of the front end, one file per component.

pub mod quick_find;
