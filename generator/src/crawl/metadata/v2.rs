//! Zarr 2 hierarchies: consolidated `.zmetadata`, or `.zgroup` / `.zarray` / `.zattrs` per node
//! with groups listed to find their children.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json::{self, Origin};
use super::reader::Reader;
use super::{ArrayMeta, GroupMeta, MetadataProblem, Node, Nodes, code, join, walk_groups};

pub(super) const ZARRAY: &str = ".zarray";
pub(super) const ZGROUP: &str = ".zgroup";
pub(super) const ZATTRS: &str = ".zattrs";
pub(super) const ZMETADATA: &str = ".zmetadata";

/// A store whose root holds `.zmetadata`: everything comes from it, nothing else is read.
pub(super) fn consolidated(
    reader: &Reader,
    document: &Map<String, Value>,
) -> Result<Nodes, MetadataProblem> {
    let key = reader.key("", ZMETADATA);
    let whole = Origin::object(key.clone());
    match document.get("zarr_consolidated_format") {
        Some(version) if version.as_u64() == Some(1) => {}
        Some(version) => {
            return Err(whole.problem(
                code::UNSUPPORTED_ZARR_FORMAT,
                format!(
                    "zarr_consolidated_format {} is not a version Almanac reads (1)",
                    json::describe(version)
                ),
            ));
        }
        None => return Err(whole.corrupt("has no `zarr_consolidated_format`")),
    }
    let entries = match document.get("metadata") {
        Some(Value::Object(entries)) => entries,
        Some(other) => {
            return Err(whole.corrupt(format!(
                "`metadata` must be an object, found {}",
                json::describe(other)
            )));
        }
        None => return Err(whole.corrupt("has no `metadata`")),
    };

    // node path → (.zarray, .zgroup, .zattrs)
    let mut documents: BTreeMap<&str, [Option<&Map<String, Value>>; 3]> = BTreeMap::new();
    for (entry, value) in entries {
        let (node, file) = entry.rsplit_once('/').unwrap_or(("", entry.as_str()));
        let slot = match file {
            ZARRAY => 0,
            ZGROUP => 1,
            ZATTRS => 2,
            _ => continue,
        };
        let Value::Object(map) = value else {
            return Err(Origin::entry(key, entry.clone()).corrupt(format!(
                "must be a JSON object, found {}",
                json::describe(value)
            )));
        };
        documents.entry(node).or_default()[slot] = Some(map);
    }

    let mut nodes = Nodes::new(2, true, reader.limits().max_arrays);
    for (node, [zarray, zgroup, zattrs]) in &documents {
        let origin = |file: &str| Origin::entry(key.clone(), join(node, file));
        let admitted = match (zarray, zgroup) {
            (Some(_), _) => nodes.admit(true),
            (None, Some(_)) if !node.is_empty() => nodes.admit(false),
            _ => true,
        };
        if !admitted {
            continue;
        }
        let attributes = zattrs.cloned().unwrap_or_default();
        if let Some(zarray) = zarray {
            nodes.arrays.push(array(
                reader,
                node,
                zarray,
                attributes,
                &origin(ZARRAY),
                &mut nodes.warnings,
            )?);
        } else if let Some(zgroup) = zgroup {
            json::check_zarr_format(zgroup, 2, &origin(ZGROUP))?;
            nodes.groups.push(GroupMeta {
                path: (*node).to_owned(),
                attributes,
            });
        } else if node.is_empty() {
            // A root listed only by its attributes: still the group everything hangs from.
            nodes.groups.push(GroupMeta {
                path: String::new(),
                attributes,
            });
        }
    }
    if !documents.contains_key("") {
        nodes.groups.push(GroupMeta {
            path: String::new(),
            attributes: Map::new(),
        });
    }
    Ok(nodes)
}

/// A store whose root is a single array (`.zarray` at the root).
pub(super) async fn root_array(
    reader: &Reader,
    zarray: &Map<String, Value>,
) -> Result<Nodes, MetadataProblem> {
    let mut nodes = Nodes::new(2, false, reader.limits().max_arrays);
    let attributes = reader
        .document("", ZATTRS, &mut nodes.warnings)
        .await?
        .unwrap_or_default();
    let origin = Origin::object(reader.key("", ZARRAY));
    let array = array(reader, "", zarray, attributes, &origin, &mut nodes.warnings)?;
    nodes.arrays.push(array);
    Ok(nodes)
}

/// An unconsolidated group hierarchy: the root `.zgroup` was read; list each group, read each
/// sub-folder as a node.
pub(super) async fn walk(
    reader: &Reader,
    zgroup: &Map<String, Value>,
) -> Result<Nodes, MetadataProblem> {
    let mut nodes = Nodes::new(2, false, reader.limits().max_arrays);
    json::check_zarr_format(zgroup, 2, &Origin::object(reader.key("", ZGROUP)))?;
    let attributes = reader
        .document("", ZATTRS, &mut nodes.warnings)
        .await?
        .unwrap_or_default();
    nodes.groups.push(GroupMeta {
        path: String::new(),
        attributes,
    });

    walk_groups(reader, &mut nodes, ZGROUP, |path| read_node(reader, path)).await?;
    Ok(nodes)
}

/// Reads sub-folder `path` as an array (`.zarray`) or a group (`.zgroup`); `None` when it is
/// neither.
async fn read_node(
    reader: &Reader,
    path: String,
) -> Result<(Option<Node>, Vec<MetadataProblem>), MetadataProblem> {
    let (mut array_warnings, mut attribute_warnings) = (Vec::new(), Vec::new());
    // Arrays are the common case: ask for their attributes at the same time.
    let (zarray, zattrs) = futures::join!(
        reader.document(&path, ZARRAY, &mut array_warnings),
        reader.document(&path, ZATTRS, &mut attribute_warnings),
    );
    let mut warnings = array_warnings;
    let node = if let Some(zarray) = zarray? {
        let attributes = zattrs?.unwrap_or_default();
        let origin = Origin::object(reader.key(&path, ZARRAY));
        let array = array(reader, &path, &zarray, attributes, &origin, &mut warnings)?;
        Node::Array(Box::new(array))
    } else if let Some(zgroup) = reader.document(&path, ZGROUP, &mut warnings).await? {
        json::check_zarr_format(&zgroup, 2, &Origin::object(reader.key(&path, ZGROUP)))?;
        let attributes = zattrs?.unwrap_or_default();
        Node::Group(GroupMeta { path, attributes })
    } else {
        return Ok((None, warnings));
    };
    warnings.extend(attribute_warnings);
    Ok((Some(node), warnings))
}

/// An array from its `.zarray` and `.zattrs`.
fn array(
    reader: &Reader,
    path: &str,
    zarray: &Map<String, Value>,
    mut attributes: Map<String, Value>,
    origin: &Origin,
    warnings: &mut Vec<MetadataProblem>,
) -> Result<ArrayMeta, MetadataProblem> {
    json::check_zarr_format(zarray, 2, origin)?;
    let shape = json::integers(zarray, "shape", origin)?;
    let chunks = json::integers(zarray, "chunks", origin)?;
    if chunks.len() != shape.len() {
        return Err(origin.corrupt(format!(
            "`chunks` has {} entries but `shape` has {}",
            chunks.len(),
            shape.len()
        )));
    }
    if chunks.contains(&0) {
        return Err(origin.corrupt(format!("`chunks` must be positive, found {chunks:?}")));
    }
    let filters = match zarray.get("filters") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(filters)) => filters
            .iter()
            .map(|filter| codec_name(filter, "filters", origin))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(origin.corrupt(format!(
                "`filters` must be null or a list of codecs, found {}",
                json::describe(other)
            )));
        }
    };
    let compressor = match zarray.get("compressor") {
        None | Some(Value::Null) => None,
        Some(compressor) => Some(codec_name(compressor, "compressor", origin)?),
    };
    let dtype = zarray
        .get("dtype")
        .ok_or_else(|| origin.corrupt("has no `dtype`"))?;
    let dtype = numpy_dtype(dtype, &filters).ok_or_else(|| {
        origin.corrupt(format!(
            "`dtype` must be a numpy type string or a list of fields, found {}",
            json::describe(dtype)
        ))
    })?;
    for (field, allowed) in [("order", ["C", "F"]), ("dimension_separator", [".", "/"])] {
        if let Some(value) = zarray.get(field)
            && !allowed.iter().any(|a| value.as_str() == Some(a))
        {
            return Err(origin.corrupt(format!(
                "`{field}` must be \"{}\" or \"{}\", found {}",
                allowed[0],
                allowed[1],
                json::describe(value)
            )));
        }
    }

    let attributes_key = reader.key(path, ZATTRS);
    let dimensions = super::take_array_dimensions(&mut attributes);
    let dimension_names = super::dimension_names(
        dimensions.as_ref(),
        "_ARRAY_DIMENSIONS",
        shape.len(),
        &attributes_key,
        warnings,
    );
    Ok(ArrayMeta {
        path: path.to_owned(),
        shape,
        chunks,
        shards: None,
        dtype,
        fill_value: zarray.get("fill_value").cloned().unwrap_or(Value::Null),
        codecs: filters.into_iter().chain(compressor).collect(),
        dimension_names,
        attributes,
        metadata: Value::Object(zarray.clone()),
        decodable: false,
    })
}

/// The id of a Zarr 2 codec (`{"id": "blosc", "cname": "lz4", …}` is `blosc/lz4`).
fn codec_name(codec: &Value, field: &str, origin: &Origin) -> Result<String, MetadataProblem> {
    let id = codec.get("id").and_then(Value::as_str).ok_or_else(|| {
        origin.corrupt(format!(
            "`{field}` must hold codecs with an `id`, found {}",
            json::describe(codec)
        ))
    })?;
    Ok(match codec.get("cname").and_then(Value::as_str) {
        Some(cname) if id == "blosc" => format!("blosc/{cname}"),
        _ => id.to_owned(),
    })
}

/// The numpy-style name of a Zarr 2 `dtype` (see [`ArrayMeta::dtype`]); `None` when it is
/// neither a string nor a list.
fn numpy_dtype(dtype: &Value, filters: &[String]) -> Option<String> {
    match dtype {
        Value::String(typestr) => Some(numpy_name(typestr, filters)),
        Value::Array(_) => Some(dtype.to_string()),
        _ => None,
    }
}

fn numpy_name(typestr: &str, filters: &[String]) -> String {
    let body = typestr.trim_start_matches(['<', '>', '|', '=']);
    let mut chars = body.chars();
    let Some(kind) = chars.next() else {
        return typestr.to_owned();
    };
    let rest = chars.as_str();
    let (size, unit) = match rest.split_once('[') {
        Some((size, unit)) => (size, Some(unit.trim_end_matches(']'))),
        None => (rest, None),
    };
    let bits = size.parse::<u32>().ok().map(|bytes| bytes * 8);
    match (kind, bits, unit) {
        ('b', Some(8), None) => "bool".to_owned(),
        ('i', Some(bits), None) => format!("int{bits}"),
        ('u', Some(bits), None) => format!("uint{bits}"),
        ('f', Some(bits), None) => format!("float{bits}"),
        ('c', Some(bits), None) => format!("complex{bits}"),
        ('M', Some(64), unit) => time_name("datetime64", unit),
        ('m', Some(64), unit) => time_name("timedelta64", unit),
        ('O', _, None) if filters.iter().any(|f| f == "vlen-utf8") => "string".to_owned(),
        ('O', _, None) if filters.iter().any(|f| f == "vlen-bytes") => "bytes".to_owned(),
        ('O', _, None) => "object".to_owned(),
        _ => typestr.to_owned(),
    }
}

fn time_name(kind: &str, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("{kind}[{unit}]"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_names_of_zarr_2_dtypes() {
        let cases = [
            ("<f4", "float32"),
            (">f8", "float64"),
            ("|u1", "uint8"),
            ("<i2", "int16"),
            ("|i1", "int8"),
            ("|b1", "bool"),
            ("<c16", "complex128"),
            ("<f2", "float16"),
            ("<M8[ns]", "datetime64[ns]"),
            ("<m8[10ms]", "timedelta64[10ms]"),
            ("<M8", "datetime64"),
            ("<U8", "<U8"),
            (">U4", ">U4"),
            ("|S4", "|S4"),
            ("|V2", "|V2"),
            ("|O", "object"),
            ("weird", "weird"),
        ];
        for (typestr, name) in cases {
            assert_eq!(numpy_name(typestr, &[]), name, "{typestr}");
        }
        assert_eq!(numpy_name("|O", &["vlen-utf8".into()]), "string");
        assert_eq!(numpy_name("|O", &["vlen-bytes".into()]), "bytes");
    }

    #[test]
    fn blosc_names_its_inner_compressor() {
        let origin = Origin::object("a/.zarray".into());
        let blosc = serde_json::json!({"id": "blosc", "cname": "zstd", "clevel": 1});
        assert_eq!(
            codec_name(&blosc, "compressor", &origin).expect("succeeds"),
            "blosc/zstd"
        );
        let gzip = serde_json::json!({"id": "gzip", "level": 1});
        assert_eq!(
            codec_name(&gzip, "compressor", &origin).expect("succeeds"),
            "gzip"
        );
        let error =
            codec_name(&serde_json::json!("gzip"), "compressor", &origin).expect_err("fails");
        assert_eq!(error.code, code::CORRUPT_METADATA);
    }
}
