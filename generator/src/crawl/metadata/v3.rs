//! Zarr 3 hierarchies: the root `zarr.json`, with `consolidated_metadata` when it has it,
//! otherwise one `zarr.json` per node with groups listed to find their children.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json::{self, Origin};
use super::reader::Reader;
use super::{ArrayMeta, GroupMeta, MetadataProblem, Node, Nodes, join, walk_groups};

pub(super) const ZARR_JSON: &str = "zarr.json";

/// A store whose root holds `zarr.json`.
pub(super) async fn read(
    reader: &Reader,
    mut root: Map<String, Value>,
) -> Result<Nodes, MetadataProblem> {
    let origin = Origin::object(reader.key("", ZARR_JSON));
    let mut nodes = Nodes::new(3, false, reader.limits().max_arrays);
    // Taken out rather than cloned with the root: it can be most of a large document.
    let mut consolidated = Map::new();
    if let Some(entries) = root.remove("consolidated_metadata") {
        consolidated.insert("consolidated_metadata".to_owned(), entries);
    }
    match node(reader, "", root, &origin, &mut nodes.warnings)? {
        Node::Array(array) => nodes.arrays.push(*array),
        Node::Group(group) => {
            nodes.groups.push(group);
            match consolidated_entries(&consolidated, &origin)? {
                Some(entries) => {
                    nodes.consolidated = true;
                    for (path, document) in entries {
                        let is_array =
                            document.get("node_type").and_then(Value::as_str) == Some("array");
                        if !nodes.admit(is_array) {
                            continue;
                        }
                        let entry = Origin::entry(origin.key.clone(), path.clone());
                        match node(reader, &path, document.clone(), &entry, &mut nodes.warnings)? {
                            Node::Array(array) => nodes.arrays.push(*array),
                            Node::Group(group) => nodes.groups.push(group),
                        }
                    }
                }
                None => walk(reader, &mut nodes).await?,
            }
        }
    }
    Ok(nodes)
}

/// A consolidated entry: its path from the root and its document.
type Entry<'a> = (String, &'a Map<String, Value>);

/// The entries of `consolidated_metadata` (`None` when absent or `null`), with paths from the
/// root. zarr-python 3 writes every descendant at the root with its full path; entries nested in
/// a group's own `consolidated_metadata` (relative to that group) are read too.
fn consolidated_entries<'a>(
    group: &'a Map<String, Value>,
    origin: &Origin,
) -> Result<Option<Vec<Entry<'a>>>, MetadataProblem> {
    let metadata = match group.get("consolidated_metadata") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(consolidated)) => match consolidated.get("metadata") {
            Some(Value::Object(metadata)) => metadata,
            other => {
                return Err(origin.corrupt(format!(
                    "`consolidated_metadata.metadata` must be an object, found {}",
                    other.map_or_else(|| "nothing".to_owned(), json::describe)
                )));
            }
        },
        Some(other) => {
            return Err(origin.corrupt(format!(
                "`consolidated_metadata` must be an object or null, found {}",
                json::describe(other)
            )));
        }
    };
    let mut entries = BTreeMap::new();
    let mut pending = vec![(String::new(), metadata)];
    while let Some((base, metadata)) = pending.pop() {
        for (name, document) in metadata {
            let path = join(&base, name.trim_matches('/'));
            let Value::Object(document) = document else {
                return Err(Origin::entry(origin.key.clone(), path).corrupt(format!(
                    "must be a JSON object, found {}",
                    json::describe(document)
                )));
            };
            if let Some(Value::Object(nested)) = document.get("consolidated_metadata")
                && let Some(Value::Object(metadata)) = nested.get("metadata")
            {
                pending.push((path.clone(), metadata));
            }
            entries.entry(path).or_insert(document);
        }
    }
    Ok(Some(entries.into_iter().collect()))
}

/// An unconsolidated hierarchy: list each group, read `zarr.json` in each sub-folder.
async fn walk(reader: &Reader, nodes: &mut Nodes) -> Result<(), MetadataProblem> {
    walk_groups(reader, nodes, ZARR_JSON, |path| async move {
        let mut warnings = Vec::new();
        let Some(document) = reader.document(&path, ZARR_JSON, &mut warnings).await? else {
            return Ok((None, warnings));
        };
        let origin = Origin::object(reader.key(&path, ZARR_JSON));
        let node = node(reader, &path, document, &origin, &mut warnings)?;
        Ok((Some(node), warnings))
    })
    .await
}

/// A node from its `zarr.json` (or consolidated entry).
fn node(
    reader: &Reader,
    path: &str,
    mut document: Map<String, Value>,
    origin: &Origin,
    warnings: &mut Vec<MetadataProblem>,
) -> Result<Node, MetadataProblem> {
    // Consolidated entries may leave these out; the document is complete without them.
    if origin.entry.is_some() {
        document
            .entry("zarr_format")
            .or_insert_with(|| Value::from(3));
    }
    json::check_zarr_format(&document, 3, origin)?;
    match document.get("node_type").and_then(Value::as_str) {
        Some("group") => Ok(Node::Group(GroupMeta {
            path: path.to_owned(),
            attributes: json::object_or_empty(&document, "attributes", origin)?,
        })),
        Some("array") => array(reader, path, document, origin, warnings)
            .map(|array| Node::Array(Box::new(array))),
        _ => Err(origin.corrupt(format!(
            "`node_type` must be \"array\" or \"group\", found {}",
            document
                .get("node_type")
                .map_or_else(|| "nothing".to_owned(), json::describe)
        ))),
    }
}

fn array(
    reader: &Reader,
    path: &str,
    document: Map<String, Value>,
    origin: &Origin,
    warnings: &mut Vec<MetadataProblem>,
) -> Result<ArrayMeta, MetadataProblem> {
    let shape = json::integers(&document, "shape", origin)?;
    let data_type = document
        .get("data_type")
        .ok_or_else(|| origin.corrupt("has no `data_type`"))?;
    let dtype = numpy_dtype(data_type).ok_or_else(|| {
        origin.corrupt(format!(
            "`data_type` must be a name or an object with a `name`, found {}",
            json::describe(data_type)
        ))
    })?;
    let grid_chunks = chunk_grid(&document, shape.len(), origin)?;

    let codecs = match document.get("codecs") {
        Some(Value::Array(codecs)) => codecs,
        other => {
            return Err(origin.corrupt(format!(
                "`codecs` must be a list, found {}",
                other.map_or_else(|| "nothing".to_owned(), json::describe)
            )));
        }
    };
    let mut names = Vec::new();
    codec_names(codecs, origin, &mut names)?;
    let sharding = codecs
        .iter()
        .find(|codec| codec.get("name").and_then(Value::as_str) == Some("sharding_indexed"));
    let (chunks, shards) = match sharding {
        Some(codec) => {
            let inner = codec
                .pointer("/configuration/chunk_shape")
                .and_then(json::integer_list)
                .filter(|inner| inner.len() == shape.len())
                .ok_or_else(|| {
                    origin.corrupt(
                        "`sharding_indexed` needs a `configuration.chunk_shape` with one \
                         positive integer per dimension",
                    )
                })?;
            (inner, Some(grid_chunks))
        }
        None => (grid_chunks, None),
    };

    let mut attributes = json::object_or_empty(&document, "attributes", origin)?;
    let array_dimensions = super::take_array_dimensions(&mut attributes);
    let key = match &origin.entry {
        Some(_) => reader.key(path, ZARR_JSON),
        None => origin.key.clone(),
    };
    let dimension_names = match document.get("dimension_names") {
        Some(names) if !names.is_null() => {
            super::dimension_names(Some(names), "dimension_names", shape.len(), &key, warnings)
        }
        _ => super::dimension_names(
            array_dimensions.as_ref(),
            "_ARRAY_DIMENSIONS",
            shape.len(),
            &key,
            warnings,
        ),
    };
    let fill_value = document.get("fill_value").cloned().unwrap_or(Value::Null);
    let mut metadata = document;
    metadata
        .entry("node_type")
        .or_insert_with(|| Value::from("array"));
    Ok(ArrayMeta {
        path: path.to_owned(),
        shape,
        chunks,
        shards,
        dtype,
        fill_value,
        codecs: names,
        dimension_names,
        attributes,
        metadata: Value::Object(metadata),
        decodable: false,
    })
}

/// The chunk shape of the grid: `regular`, or the first chunk of a `rectilinear` grid. Another
/// grid gives no chunk shape (zarrs then says whether it can read it).
fn chunk_grid(
    document: &Map<String, Value>,
    ndim: usize,
    origin: &Origin,
) -> Result<Vec<u64>, MetadataProblem> {
    let grid = document
        .get("chunk_grid")
        .ok_or_else(|| origin.corrupt("has no `chunk_grid`"))?;
    let name = grid
        .as_str()
        .or_else(|| grid.get("name").and_then(Value::as_str));
    let chunks = match name {
        Some("regular") => grid
            .pointer("/configuration/chunk_shape")
            .and_then(json::integer_list),
        Some("rectilinear") => grid
            .pointer("/configuration/chunk_shapes")
            .and_then(Value::as_array)
            .and_then(|dimensions| dimensions.iter().map(first_edge).collect()),
        Some(_) => return Ok(Vec::new()),
        None => None,
    };
    match chunks {
        Some(chunks) if chunks.len() == ndim && !chunks.contains(&0) => Ok(chunks),
        _ => Err(origin.corrupt(format!(
            "`chunk_grid` must give one positive chunk length per dimension ({ndim}), found {}",
            json::describe(grid)
        ))),
    }
}

/// The first chunk length of one rectilinear dimension: `50`, `[10, 20, …]`, or run-length
/// `[[10, 5], …]`.
fn first_edge(dimension: &Value) -> Option<u64> {
    match dimension {
        Value::Number(length) => length.as_u64(),
        Value::Array(edges) => match edges.first()? {
            Value::Number(length) => length.as_u64(),
            Value::Array(run) => run.first()?.as_u64(),
            _ => None,
        },
        _ => None,
    }
}

/// Codec names in order, each `sharding_indexed` followed by its inner codecs.
fn codec_names(
    codecs: &[Value],
    origin: &Origin,
    names: &mut Vec<String>,
) -> Result<(), MetadataProblem> {
    for codec in codecs {
        let name = codec
            .as_str()
            .or_else(|| codec.get("name").and_then(Value::as_str))
            .ok_or_else(|| {
                origin.corrupt(format!(
                    "`codecs` entries must be names or objects with a `name`, found {}",
                    json::describe(codec)
                ))
            })?;
        names.push(name.to_owned());
        if name == "sharding_indexed"
            && let Some(Value::Array(inner)) = codec.pointer("/configuration/codecs")
        {
            codec_names(inner, origin, names)?;
        }
    }
    Ok(())
}

/// The numpy-style name of a Zarr 3 `data_type` (see [`ArrayMeta::dtype`]).
fn numpy_dtype(data_type: &Value) -> Option<String> {
    let (name, configuration) = match data_type {
        Value::String(name) => (name.as_str(), None),
        Value::Object(object) => (
            object.get("name")?.as_str()?,
            object.get("configuration").and_then(Value::as_object),
        ),
        _ => return None,
    };
    let setting = |field: &str| {
        configuration
            .and_then(|c| c.get(field))
            .and_then(Value::as_u64)
    };
    let name = match name {
        "numpy.datetime64" | "numpy.timedelta64" => {
            let kind = name.trim_start_matches("numpy.");
            match configuration
                .and_then(|c| c.get("unit"))
                .and_then(Value::as_str)
            {
                Some(unit) => match setting("scale_factor") {
                    Some(scale) if scale != 1 => format!("{kind}[{scale}{unit}]"),
                    _ => format!("{kind}[{unit}]"),
                },
                None => kind.to_owned(),
            }
        }
        "fixed_length_utf32" => match setting("length_bytes") {
            Some(bytes) => format!("<U{}", bytes / 4),
            None => name.to_owned(),
        },
        "null_terminated_bytes" => match setting("length_bytes") {
            Some(bytes) => format!("|S{bytes}"),
            None => name.to_owned(),
        },
        "raw_bytes" => match setting("length_bytes") {
            Some(bytes) => format!("|V{bytes}"),
            None => name.to_owned(),
        },
        "variable_length_bytes" => "bytes".to_owned(),
        other => match other.strip_prefix('r').map(str::parse::<u64>) {
            // Raw bits, `r8`, `r16`, …
            Some(Ok(bits)) => format!("|V{}", bits / 8),
            _ => other.to_owned(),
        },
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numpy_names_of_zarr_3_data_types() {
        let cases = [
            (json!("float32"), "float32"),
            (json!("bool"), "bool"),
            (json!("string"), "string"),
            (json!("variable_length_bytes"), "bytes"),
            (json!("r16"), "|V2"),
            (
                json!({"name": "numpy.datetime64", "configuration": {"unit": "ns", "scale_factor": 1}}),
                "datetime64[ns]",
            ),
            (
                json!({"name": "numpy.timedelta64", "configuration": {"unit": "ms", "scale_factor": 10}}),
                "timedelta64[10ms]",
            ),
            (
                json!({"name": "fixed_length_utf32", "configuration": {"length_bytes": 32}}),
                "<U8",
            ),
            (
                json!({"name": "null_terminated_bytes", "configuration": {"length_bytes": 4}}),
                "|S4",
            ),
            (
                json!({"name": "optional", "configuration": {"name": "uint8"}}),
                "optional",
            ),
        ];
        for (data_type, name) in cases {
            assert_eq!(
                numpy_dtype(&data_type).as_deref(),
                Some(name),
                "{data_type}"
            );
        }
        assert_eq!(numpy_dtype(&json!(3)), None);
    }

    #[test]
    fn rectilinear_grids_give_their_first_chunk() {
        let origin = Origin::object("zarr.json".into());
        let doc = json!({"chunk_grid": {"name": "rectilinear", "configuration": {
            "kind": "inline", "chunk_shapes": [[[10, 5], 5, 5], 50]}}});
        let chunks = chunk_grid(doc.as_object().expect("object"), 2, &origin).expect("succeeds");
        assert_eq!(chunks, [10, 50]);
        let wrong = chunk_grid(doc.as_object().expect("object"), 3, &origin).expect_err("fails");
        assert_eq!(wrong.code, super::super::code::CORRUPT_METADATA);
    }

    #[test]
    fn sharding_lists_its_inner_codecs() {
        let origin = Origin::object("zarr.json".into());
        let codecs = json!([{"name": "sharding_indexed", "configuration": {
            "chunk_shape": [2], "codecs": [{"name": "bytes"}, {"name": "gzip"}],
            "index_codecs": [{"name": "bytes"}, {"name": "crc32c"}]}}]);
        let mut names = Vec::new();
        codec_names(codecs.as_array().expect("succeeds"), &origin, &mut names).expect("succeeds");
        assert_eq!(names, ["sharding_indexed", "bytes", "gzip"]);
    }
}
