"""Writes the tiny synthetic Zarr v2 store of the minimal fixture site.

tests/sites/minimal/content/data/sea-ice-extent/sea-ice-extent.zarr: consolidated
metadata, a `time` coordinate (days since 1979-01-01, standard calendar, 3 monthly
values) and an `extent` variable (3 float32 values, uncompressed). The numbers are
made up for tests; they are not observations. Standard library only, deterministic:

    python3 tests/sites/make_minimal_store.py
"""

import json
import shutil
import struct
from pathlib import Path

STORE = Path(__file__).parent / "minimal/content/data/sea-ice-extent/sea-ice-extent.zarr"


def array(dtype, shape, attrs):
    zarray = {
        "chunks": list(shape),
        "compressor": None,
        "dimension_separator": ".",
        "dtype": dtype,
        "fill_value": None,
        "filters": None,
        "order": "C",
        "shape": list(shape),
        "zarr_format": 2,
    }
    return zarray, attrs


def main():
    if STORE.exists():
        shutil.rmtree(STORE)
    STORE.mkdir(parents=True)
    root_attrs = {"title": "Synthetic sea ice extent for tests", "Conventions": "CF-1.8"}
    arrays = {
        "time": (
            array("<f8", (3,), {"_ARRAY_DIMENSIONS": ["time"], "units": "days since 1979-01-01",
                                "calendar": "standard", "standard_name": "time", "axis": "T"}),
            struct.pack("<3d", 14.0, 45.0, 73.0),
        ),
        "extent": (
            array("<f4", (3,), {"_ARRAY_DIMENSIONS": ["time"], "units": "1e6 km2",
                                "long_name": "synthetic sea ice extent"}),
            struct.pack("<3f", 14.5, 15.25, 15.75),
        ),
    }
    metadata = {".zgroup": {"zarr_format": 2}, ".zattrs": root_attrs}
    (STORE / ".zgroup").write_text(json.dumps({"zarr_format": 2}, indent=4, sort_keys=True))
    (STORE / ".zattrs").write_text(json.dumps(root_attrs, indent=4, sort_keys=True))
    for name, ((zarray, attrs), chunk) in arrays.items():
        (STORE / name).mkdir()
        (STORE / name / ".zarray").write_text(json.dumps(zarray, indent=4, sort_keys=True))
        (STORE / name / ".zattrs").write_text(json.dumps(attrs, indent=4, sort_keys=True))
        (STORE / name / "0").write_bytes(chunk)
        metadata[f"{name}/.zarray"] = zarray
        metadata[f"{name}/.zattrs"] = attrs
    consolidated = {"metadata": metadata, "zarr_consolidated_format": 1}
    (STORE / ".zmetadata").write_text(json.dumps(consolidated, indent=4, sort_keys=True))


if __name__ == "__main__":
    main()
