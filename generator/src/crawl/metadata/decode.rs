//! zarrs arrays from crawled metadata, to read chunks later, and why one cannot be built
//! (`unknown-codec`, `unsupported-data-type`, `unsupported-array`).

use std::sync::Arc;

use object_store::ObjectStore;
use object_store::path::Path;
use serde_json::{Map, Value};
use zarrs::array::{
    Array, ArrayCreateError, ArrayMetadata, ArrayMetadataV2, ArrayMetadataV3, Codec,
};
use zarrs::metadata::v2::{DataTypeMetadataV2, MetadataV2};
use zarrs::metadata::v3::MetadataV3;
use zarrs::plugin::PluginCreateError;
use zarrs::storage::AsyncReadableStorageTraits;

use super::bounded::ChunkGuard;
use super::storage::ObjectStorage;
use super::{ArrayMeta, MetadataProblem, code, join};

/// Builds a zarrs array for `array` of the store at `prefix` of `store`, to read its chunks
/// (e.g. `array.async_retrieve_chunk::<Vec<f64>>(&[0])`). Zarr 2 metadata (`.zarray` plus
/// attributes) becomes `ArrayMetadataV2`, Zarr 3 `ArrayMetadataV3`; chunks are read from `store`
/// at the array's full path (prefix included) through a storage adapter like
/// `zarrs_object_store::AsyncObjectStore` but for names `Path::from` would encode (see
/// `storage.rs`). The storage is type-erased so callers need not name it.
///
/// # Errors
///
/// A [`MetadataProblem`] keyed by the array's metadata document: `unknown-codec` (naming the
/// codec zarrs does not have), `unsupported-data-type`, or `unsupported-array` with zarrs'
/// reason.
pub fn zarrs_array(
    store: Arc<dyn ObjectStore>,
    prefix: &Path,
    array: &ArrayMeta,
) -> Result<Array<dyn AsyncReadableStorageTraits>, MetadataProblem> {
    zarrs_array_guarded(store, prefix, array, None)
}

/// [`zarrs_array`] whose chunk reads go through `guard` (fetch caps, a store budget, decoding
/// bounded by the declared chunk size; see `bounded.rs`).
///
/// # Errors
///
/// As [`zarrs_array`].
pub fn zarrs_array_guarded(
    store: Arc<dyn ObjectStore>,
    prefix: &Path,
    array: &ArrayMeta,
    guard: Option<ChunkGuard>,
) -> Result<Array<dyn AsyncReadableStorageTraits>, MetadataProblem> {
    let node = join(prefix.as_ref(), &array.path);
    let key = join(&node, array.metadata_file());
    let refuse = |message: String| MetadataProblem::new(&key, code::UNSUPPORTED_ARRAY, message);
    let metadata = match array.zarr_format() {
        2 => {
            let mut document = object(&array.metadata);
            // zarrs wants every field of the spec; zarr-python reads documents without these.
            for (field, default) in [
                ("order", Value::from("C")),
                ("fill_value", Value::Null),
                ("compressor", Value::Null),
            ] {
                document.entry(field).or_insert(default);
            }
            // BitRound only zeroes mantissa bits when encoding: decoding is the identity
            // (numcodecs' `BitRound.decode` returns its input), and zarrs 0.23 knows the codec
            // by its Zarr 3 name only, so a Zarr 2 `bitround` filter is left out of the chain.
            if let Some(Value::Array(filters)) = document.get_mut("filters") {
                filters.retain(|f| f.get("id").and_then(Value::as_str) != Some("bitround"));
            }
            let mut attributes = array.attributes.clone();
            if !array.dimension_names.is_empty() {
                attributes.insert(
                    "_ARRAY_DIMENSIONS".into(),
                    array.dimension_names.clone().into(),
                );
            }
            document.insert("attributes".into(), Value::Object(attributes));
            if let Some(dtype) = document.get("dtype")
                && let Err(error) = serde_json::from_value::<DataTypeMetadataV2>(dtype.clone())
            {
                return Err(MetadataProblem::new(
                    &key,
                    code::UNSUPPORTED_DATA_TYPE,
                    format!(
                        "data type `{}` cannot be decoded by zarrs ({error}); the array's \
                         metadata is kept, but its values cannot be read",
                        array.dtype
                    ),
                ));
            }
            serde_json::from_value::<ArrayMetadataV2>(Value::Object(document))
                .map(ArrayMetadata::V2)
                .map_err(|error| refuse(format!("zarrs cannot read this .zarray: {error}")))?
        }
        _ => serde_json::from_value::<ArrayMetadataV3>(array.metadata.clone())
            .map(ArrayMetadata::V3)
            .map_err(|error| refuse(format!("zarrs cannot read this zarr.json: {error}")))?,
    };
    let storage: Arc<dyn AsyncReadableStorageTraits> = Arc::new(ObjectStorage::new(store, guard));
    Array::new_with_metadata(storage, &format!("/{node}"), metadata)
        .map_err(|error| diagnose(array, key.clone(), &error))
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

/// Why zarrs could not build `array`: the first codec it has no plugin for, else its error.
fn diagnose(array: &ArrayMeta, key: String, error: &ArrayCreateError) -> MetadataProblem {
    if let Some(codec) = unknown_codec(array) {
        return MetadataProblem::new(
            key,
            code::UNKNOWN_CODEC,
            format!(
                "codec `{codec}` cannot be decoded by Almanac's Zarr library (zarrs, as built: \
                 {error}); the array's metadata is kept, but its values (coordinates) cannot be \
                 read"
            ),
        );
    }
    match error {
        ArrayCreateError::DataTypeCreateError(reason) => MetadataProblem::new(
            key,
            code::UNSUPPORTED_DATA_TYPE,
            format!(
                "data type `{}` cannot be decoded by zarrs ({reason}); the array's metadata is \
                 kept, but its values cannot be read",
                array.dtype
            ),
        ),
        other => MetadataProblem::new(
            key,
            code::UNSUPPORTED_ARRAY,
            format!(
                "zarrs cannot read this array ({other}); its metadata is kept, but its values \
                 cannot be read"
            ),
        ),
    }
}

/// The name of the first codec of `array` zarrs has no plugin for, sharding's inner codecs
/// included.
fn unknown_codec(array: &ArrayMeta) -> Option<String> {
    let metadata = &array.metadata;
    if array.zarr_format() == 2 {
        let filters = metadata.get("filters").and_then(Value::as_array);
        let compressor = metadata.get("compressor").filter(|c| !c.is_null());
        filters
            .into_iter()
            .flatten()
            .chain(compressor)
            .find_map(|codec| {
                let parsed = serde_json::from_value::<MetadataV2>(codec.clone()).ok()?;
                unsupported(&Codec::from_metadata(&parsed)).then(|| parsed.id().to_owned())
            })
    } else {
        metadata
            .get("codecs")
            .and_then(Value::as_array)
            .and_then(|codecs| unknown_v3_codec(codecs))
    }
}

/// Inner codecs first (`sharding_indexed`'s `codecs` and `index_codecs`, `optional`'s
/// `data_codecs`, …: any list of named objects in the configuration), so an outer codec is not
/// blamed for an inner one zarrs lacks.
fn unknown_v3_codec(codecs: &[Value]) -> Option<String> {
    codecs.iter().find_map(|codec| {
        let inner = codec
            .get("configuration")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(Map::values)
            .filter_map(Value::as_array)
            .filter(|list| list.iter().all(|item| item.get("name").is_some()))
            .find_map(|list| unknown_v3_codec(list));
        inner.or_else(|| {
            let parsed = serde_json::from_value::<MetadataV3>(codec.clone()).ok()?;
            unsupported(&Codec::from_metadata(&parsed)).then(|| parsed.name().to_owned())
        })
    })
}

fn unsupported(created: &Result<Codec, PluginCreateError>) -> bool {
    matches!(created, Err(PluginCreateError::Unsupported(_)))
}
