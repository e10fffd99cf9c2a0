//! The `almanac` command.
fn main() {}
