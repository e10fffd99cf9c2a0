"""Writes the `limits-zarr-*` hostile fixture libraries (issue 12, point 4: Zarr stores that
declare sizes Almanac must not allocate, decompression bombs, hierarchies past the budget).

Plain Python (json, zlib, struct): no numpy or zarr needed, and every file stays small —
the big payloads (a 2 GiB zlib bomb, 100,000 arrays) are made at test time by
generator/tests/hostile_limits_zarr.rs. Run from anywhere: `python3 make_limits_zarr.py`.
Each case is rewritten from scratch except its `expected*.txt` and `forbidden.txt`.
"""

import bz2
import gzip
import json
import shutil
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEEP = {"expected.txt", "expected_exit.txt", "forbidden.txt"}

PAPER = """---
title: "A Paper on a Hostile Store"
authors: [ada-example]
year: 2024
datasets: [store]
---
A paper that uses the dataset.
"""

PERSON = """---
name: Ada Example
orcid: 0000-0002-1825-0097
---
Ada Example maintains the fixture dataset.
"""


def meta(title: str) -> str:
    return f"""title: "{title}"
description: "A hostile Zarr store for the crawl's limits."
provenance:
  providers:
    - name: "Example Data Centre"
      roles: [producer, host]
  license: "CC-BY-4.0"
"""


CATALOG = """tags: [hostile]
stores:
  - id: "store"
    url: "store.zarr"
"""


def config(limits: dict) -> str:
    text = (
        '[site]\ntitle = "Hostile fixture"\n\n'
        "# Crawled every time: no cache folder left in the fixture.\n[crawl]\ncache = false\n"
    )
    if limits:
        text += "\n[crawl.limits]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items())
    return text


def case(name: str, limits: dict | None = None) -> Path:
    root = HERE / name
    if root.exists():
        for child in root.iterdir():
            if child.name in KEEP:
                continue
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    dataset = root / "content" / "datasets" / "store"
    dataset.mkdir(parents=True, exist_ok=True)
    (root / "content" / "people").mkdir(parents=True, exist_ok=True)
    (root / "content" / "papers").mkdir(parents=True, exist_ok=True)
    (root / "content" / "papers" / "example-2024.md").write_text(PAPER)
    (root / "almanac.toml").write_text(config(limits or {}))
    (root / "content" / "people" / "ada-example.md").write_text(PERSON)
    (dataset / "meta.yaml").write_text(meta(name))
    (dataset / "catalog.yaml").write_text(CATALOG)
    return dataset / "store.zarr"


def write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=1, sort_keys=True))


def v2_array(shape, chunks, dtype="<f8", compressor=None, fill_value=None, dims=None, attrs=None):
    zarray = {
        "zarr_format": 2,
        "shape": shape,
        "chunks": chunks,
        "dtype": dtype,
        "compressor": compressor,
        "fill_value": fill_value,
        "filters": None,
        "order": "C",
    }
    zattrs = dict(attrs or {})
    if dims is not None:
        zattrs["_ARRAY_DIMENSIONS"] = dims
    return zarray, zattrs


def v2_store(store: Path, arrays: dict, root_attrs=None) -> None:
    """Writes .zgroup/.zattrs/.zarray per node and a consolidated .zmetadata."""
    metadata = {".zgroup": {"zarr_format": 2}, ".zattrs": root_attrs or {}}
    write_json(store / ".zgroup", {"zarr_format": 2})
    write_json(store / ".zattrs", root_attrs or {})
    for name, (zarray, zattrs) in arrays.items():
        write_json(store / name / ".zarray", zarray)
        write_json(store / name / ".zattrs", zattrs)
        metadata[f"{name}/.zarray"] = zarray
        metadata[f"{name}/.zattrs"] = zattrs
    write_json(store / ".zmetadata", {"zarr_consolidated_format": 1, "metadata": metadata})


def chunk(store: Path, key: str, data: bytes) -> None:
    path = store / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


LAT = {"standard_name": "latitude", "units": "degrees_north"}
LON = {"standard_name": "longitude", "units": "degrees_east"}
E15 = 10**15


def fill_value_1e15() -> None:
    # shape and chunks [10^15], no chunk: all fill value, known without materialising 8 PB.
    store = case("limits-zarr-fill-value-1e15")
    # fill_value null: no _FillValue, so the (absent) values are 0, "2000-01-01".
    time, time_attrs = v2_array([E15], [E15], fill_value=None, dims=["time"],
                                attrs={"units": "days since 2000-01-01", "calendar": "standard"})
    # The same size with a chunk object present: refused, one store-limit warning.
    lat, lat_attrs = v2_array([E15], [E15], dims=["lat"], attrs=LAT)
    v2_store(store, {"time": (time, time_attrs), "lat": (lat, lat_attrs)})
    chunk(store, "lat/0", b"\0" * 64)


def zlib_bomb() -> None:
    # A chunk declared as 1,000 float64 (8 KB) that inflates to 32 MiB; the 2 GiB bomb is made
    # at test time (hostile_limits_zarr.rs), it is 2 MB.
    store = case("limits-zarr-zlib-bomb")
    lat, attrs = v2_array([1000], [1000], compressor={"id": "zlib", "level": 9},
                          dims=["lat"], attrs=LAT)
    v2_store(store, {"lat": (lat, attrs)})
    chunk(store, "lat/0", zlib.compress(b"\0" * (32 << 20), 9))


def zstd_header_bomb() -> None:
    # A zstd frame whose header promises 1 TiB (zarrs would allocate that up front).
    store = case("limits-zarr-zstd-header")
    lat, attrs = v2_array([1000], [1000], compressor={"id": "zstd", "level": 1},
                          dims=["lat"], attrs=LAT)
    v2_store(store, {"lat": (lat, attrs)})
    frame = struct.pack("<I", 0xFD2FB528) + bytes([0xE0]) + struct.pack("<Q", 1 << 40)
    # One last RLE block of 4 bytes of zero.
    frame += bytes([1 | (1 << 1) | (4 << 3), 0, 0, 0])
    chunk(store, "lat/0", frame)


def blosc_header_bomb() -> None:
    # A Blosc header declaring 4 GiB - 1 decoded bytes in a 32-byte chunk.
    store = case("limits-zarr-blosc-header")
    compressor = {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}
    lat, attrs = v2_array([1000], [1000], compressor=compressor, dims=["lat"], attrs=LAT)
    v2_store(store, {"lat": (lat, attrs)})
    header = bytes([2, 1, 1, 8]) + struct.pack("<III", 0xFFFFFFFF, 1 << 16, 32)
    chunk(store, "lat/0", header + b"\0" * 16)


def overflow_2d() -> None:
    # 2-D latitude/longitude of shape [2^32, 2^32]: 2^64 elements, the size overflows u64.
    store = case("limits-zarr-overflow-2d")
    big = [1 << 32, 1 << 32]
    lat, lat_attrs = v2_array(big, [1 << 32, 1 << 32], dims=["y", "x"], attrs=LAT)
    lon, lon_attrs = v2_array(big, [1 << 32, 1 << 32], dims=["y", "x"], attrs=LON)
    sst, sst_attrs = v2_array(big, [1024, 1024], dtype="<f4", dims=["y", "x"],
                              attrs={"coordinates": "lat lon", "units": "K"})
    v2_store(store, {"lat": (lat, lat_attrs), "lon": (lon, lon_attrs), "sst": (sst, sst_attrs)})


def many_arrays() -> None:
    # A Zarr 3 zarr.json with consolidated metadata naming more arrays than max_arrays.
    store = case("limits-zarr-many-arrays", {"max_arrays": 3})
    entries = {}
    for i in range(8):
        entries[f"v{i}"] = {
            "zarr_format": 3,
            "node_type": "array",
            "shape": [4],
            "data_type": "float32",
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4]}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": 0.0,
            "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
            "dimension_names": [f"d{i}"],
            "attributes": {},
        }
    write_json(store / "zarr.json", {
        "zarr_format": 3,
        "node_type": "group",
        "attributes": {},
        "consolidated_metadata": {"kind": "inline", "must_understand": False,
                                  "metadata": entries},
    })
    for name, entry in entries.items():
        write_json(store / name / "zarr.json", entry)


def metadata_size() -> None:
    # .zmetadata larger than max_metadata_bytes: the store is not described (an error).
    store = case("limits-zarr-metadata-size", {"max_metadata_bytes": 512})
    lat, attrs = v2_array([10], [10], dims=["lat"], attrs={**LAT, "comment": "x" * 2048})
    v2_store(store, {"lat": (lat, attrs)})


def chunk_object() -> None:
    # An uncompressed chunk object larger than max_object_bytes.
    store = case("limits-zarr-chunk-object", {"max_object_bytes": 1024})
    lat, attrs = v2_array([1000], [1000], dims=["lat"], attrs=LAT)
    v2_store(store, {"lat": (lat, attrs)})
    chunk(store, "lat/0", struct.pack("<1000d", *[i / 10 for i in range(1000)]))


def shard_index() -> None:
    # Zarr 3 sharding: shards of 2^40 inner chunks of one element, a 16 TiB shard index.
    store = case("limits-zarr-shard-index")
    lat = {
        "zarr_format": 3,
        "node_type": "array",
        "shape": [1 << 40],
        "data_type": "float64",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1 << 40]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0.0,
        "codecs": [{"name": "sharding_indexed", "configuration": {
            "chunk_shape": [1],
            "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
            "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
            "index_location": "end"}}],
        "dimension_names": ["lat"],
        "attributes": LAT,
    }
    write_json(store / "zarr.json", {"zarr_format": 3, "node_type": "group", "attributes": {}})
    write_json(store / "lat" / "zarr.json", lat)
    chunk(store, "lat/c/0", b"\0" * 64)


def read_size() -> None:
    # A 16 MiB uint8 chunk (within max_chunk_bytes) read as 2^24 values: 144 MiB with the f64
    # copies, over max_read_bytes.
    store = case("limits-zarr-read-size")
    lat, attrs = v2_array([1 << 24], [1 << 24], dtype="|u1", dims=["lat"], attrs=LAT)
    v2_store(store, {"lat": (lat, attrs)})


def gzip_bomb() -> None:
    store = case("limits-zarr-gzip-bomb")
    lat, attrs = v2_array([1000], [1000], compressor={"id": "gzip", "level": 9},
                          dims=["lat"], attrs=LAT)
    v2_store(store, {"lat": (lat, attrs)})
    chunk(store, "lat/0", gzip.compress(b"\0" * (32 << 20), 9, mtime=0))


def bz2_bomb() -> None:
    store = case("limits-zarr-bz2-bomb")
    lat, attrs = v2_array([1000], [1000], compressor={"id": "bz2", "level": 9},
                          dims=["lat"], attrs=LAT)
    v2_store(store, {"lat": (lat, attrs)})
    chunk(store, "lat/0", bz2.compress(b"\0" * (64 << 20), 9))


def sharded_bomb() -> None:
    # Zarr 3 sharding: the first inner chunk (declared as one float64) is a gzip bomb; it is read
    # as a byte range of the shard, and refused there.
    store = case("limits-zarr-sharded-bomb")
    lat = {
        "zarr_format": 3,
        "node_type": "array",
        "shape": [2],
        "data_type": "float64",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0.0,
        "codecs": [{"name": "sharding_indexed", "configuration": {
            "chunk_shape": [1],
            "codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                       {"name": "gzip", "configuration": {"level": 9}}],
            "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
            "index_location": "end"}}],
        "dimension_names": ["lat"],
        "attributes": LAT,
    }
    write_json(store / "zarr.json", {"zarr_format": 3, "node_type": "group", "attributes": {}})
    write_json(store / "lat" / "zarr.json", lat)
    bomb = gzip.compress(b"\0" * (32 << 20), 9, mtime=0)
    empty = 0xFFFFFFFFFFFFFFFF
    index = struct.pack("<QQQQ", 0, len(bomb), empty, empty)
    chunk(store, "lat/c/0", bomb + index)


def many_folders() -> None:
    # An unconsolidated Zarr 2 hierarchy listed folder by folder: reading stops at the budget.
    store = case("limits-zarr-many-folders", {"max_arrays": 2})
    write_json(store / ".zgroup", {"zarr_format": 2})
    for i in range(8):
        zarray, zattrs = v2_array([4], [4], dims=[f"d{i}"])
        write_json(store / f"v{i}" / ".zarray", zarray)
        write_json(store / f"v{i}" / ".zattrs", zattrs)


def attributes_sum() -> None:
    # Each .zattrs within max_metadata_values, all of them together over it: the budget is the
    # store's, so many arrays with big attributes do not add up (an error: not described).
    store = case("limits-zarr-attributes-sum", {"max_metadata_values": 500})
    write_json(store / ".zgroup", {"zarr_format": 2})
    for i in range(4):
        zarray, zattrs = v2_array([4], [4], dims=[f"d{i}"],
                                  attrs={"flag_values": list(range(200))})
        write_json(store / f"v{i}" / ".zarray", zarray)
        write_json(store / f"v{i}" / ".zattrs", zattrs)


if __name__ == "__main__":
    for make in (fill_value_1e15, zlib_bomb, zstd_header_bomb, blosc_header_bomb, overflow_2d,
                 many_arrays, metadata_size, chunk_object, shard_index, read_size, gzip_bomb,
                 bz2_bomb, sharded_bomb, many_folders, attributes_sum):
        make()
