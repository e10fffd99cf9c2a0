//! The search page's state as a URL query string, so a search can be shared and reloaded:
//! `?q=sea+ice&kind=dataset&tag=ocean&from=1990&to=2000&bbox=-10,40,30,60`.

use std::collections::BTreeMap;

use almanac_model::search::{ExtentFilter, Facet, Filters, days_from_iso};

/// What the search page shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchState {
    /// The query as typed.
    pub query: String,
    /// Selected values per facet.
    pub facets: BTreeMap<Facet, Vec<String>>,
    /// First year of the time range.
    pub from: Option<i32>,
    /// Last year of the time range.
    pub to: Option<i32>,
    /// West, south, east, north.
    pub bbox: Option<[f64; 4]>,
}

impl SearchState {
    /// Reads a query string (with or without the leading `?`); unknown keys are ignored.
    pub fn from_query_string(text: &str) -> Self {
        let mut state = Self::default();
        for pair in text.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "q" => state.query = value,
                "from" => state.from = value.trim().parse().ok(),
                "to" => state.to = value.trim().parse().ok(),
                "bbox" => state.bbox = parse_bbox(&value),
                _ => {
                    if let Some(facet) = Facet::parse(key)
                        && !value.is_empty()
                    {
                        let values = state.facets.entry(facet).or_default();
                        if !values.contains(&value) {
                            values.push(value);
                        }
                    }
                }
            }
        }
        state
    }

    /// The query string for this state, `?…`, or empty when nothing is set.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        if !self.query.trim().is_empty() {
            pairs.push(format!("q={}", encode(&self.query)));
        }
        for (facet, values) in &self.facets {
            for value in values {
                pairs.push(format!("{}={}", facet.name(), encode(value)));
            }
        }
        if let Some(from) = self.from {
            pairs.push(format!("from={from}"));
        }
        if let Some(to) = self.to {
            pairs.push(format!("to={to}"));
        }
        if let Some([w, s, e, n]) = self.bbox {
            pairs.push(format!("bbox={w},{s},{e},{n}"));
        }
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }

    /// True when any facet value, time range or region is selected.
    pub fn has_filters(&self) -> bool {
        self.facets.values().any(|values| !values.is_empty())
            || self.from.is_some()
            || self.to.is_some()
            || self.bbox.is_some()
    }

    /// Adds `value` to `facet`'s selection, or removes it when it is selected.
    pub fn toggle(&mut self, facet: Facet, value: &str) {
        let values = self.facets.entry(facet).or_default();
        if let Some(at) = values.iter().position(|v| v == value) {
            values.remove(at);
        } else {
            values.push(value.to_owned());
        }
        if values.is_empty() {
            self.facets.remove(&facet);
        }
    }

    /// True when `value` of `facet` is selected.
    pub fn is_selected(&self, facet: Facet, value: &str) -> bool {
        self.facets
            .get(&facet)
            .is_some_and(|values| values.iter().any(|v| v == value))
    }

    /// The filters the engine applies.
    pub fn filters(&self) -> Filters {
        let time = match (self.from, self.to) {
            (None, None) => None,
            (from, to) => {
                let start = from.and_then(|y| days_from_iso(&format!("{y:04}-01-01")));
                let end = to.and_then(|y| days_from_iso(&format!("{y:04}-12-31")));
                Some([start.unwrap_or(i32::MIN), end.unwrap_or(i32::MAX)])
            }
        };
        Filters {
            facets: self.facets.clone(),
            extent: ExtentFilter {
                time,
                bbox: self.bbox,
            },
        }
    }
}

/// Reads `west,south,east,north` in degrees.
pub fn parse_bbox(text: &str) -> Option<[f64; 4]> {
    let values: Vec<f64> = text
        .split(',')
        .map(|part| part.trim().parse().ok())
        .collect::<Option<_>>()?;
    let [w, s, e, n]: [f64; 4] = values.try_into().ok()?;
    let valid = (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&s)
        && (-90.0..=90.0).contains(&n)
        && s <= n;
    valid.then_some([w, s, e, n])
}

/// Percent-encodes a query-string value (spaces as `+`).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes a query-string value; malformed escapes are kept as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && text.is_char_boundary(i + 3) => {
                match u8::from_str_radix(&text[i + 1..i + 3], 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_the_url() {
        let mut state = SearchState {
            query: "sea surface température & more".into(),
            from: Some(1990),
            to: Some(2000),
            bbox: Some([-10.5, 40.0, 30.0, 60.0]),
            ..SearchState::default()
        };
        state.toggle(Facet::Kind, "dataset");
        state.toggle(Facet::Tag, "ocean");
        state.toggle(Facet::Tag, "sea ice");
        let text = state.to_query_string();
        assert!(text.starts_with("?q=sea+surface+temp%C3%A9rature+%26+more&kind=dataset"));
        assert_eq!(SearchState::from_query_string(&text), state);
        state.toggle(Facet::Tag, "ocean");
        assert!(!state.is_selected(Facet::Tag, "ocean"));
        assert!(state.is_selected(Facet::Tag, "sea ice"));
    }

    #[test]
    fn bad_values_are_ignored() {
        let state = SearchState::from_query_string("?q=a%zz&from=x&bbox=1,2,3&color=red&tag=");
        assert_eq!(state.query, "a%zz");
        assert_eq!(state.from, None);
        assert_eq!(state.bbox, None);
        assert!(!state.has_filters());
        assert_eq!(SearchState::default().to_query_string(), "");
    }

    #[test]
    fn years_become_a_day_range() {
        let state = SearchState {
            from: Some(1970),
            ..SearchState::default()
        };
        assert_eq!(state.filters().extent.time, Some([0, i32::MAX]));
    }
}
