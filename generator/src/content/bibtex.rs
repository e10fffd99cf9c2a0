//! PLACEHOLDER so the crate compiles until the real BibTeX reader lands (being written now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position { pub line: usize, pub column: usize }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field { pub name: String, pub value: String, pub position: Position }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry { pub entry_type: String, pub key: String, pub fields: Vec<Field>, pub position: Position, pub raw: String }
impl Entry {
    pub fn field(&self, name: &str) -> Option<&Field> { self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name)) }
    pub fn authors(&self) -> Vec<String> { Vec::new() }
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem { pub position: Position, pub message: String }
pub fn parse(_source: &str, _line_offset: usize) -> (Vec<Entry>, Vec<Problem>) { (Vec::new(), Vec::new()) }
