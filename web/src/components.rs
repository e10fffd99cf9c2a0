//! UI components of the front end, one file per component.

pub mod graph_explorer;
pub mod quick_find;
pub mod result_card;
pub mod search_page;
