"""Writes the codec fixture library's stores: one small Zarr v2 store per numcodecs codec that
real climate stores use (CMIP6-style BitRound, FixedScaleOffset packing, PCodec, the Fletcher32
and Adler32 checksums, Delta), each holding the same 2-m temperature field on a 4 x 8 global
grid with CF coordinates. generator/tests/codecs.rs builds the library and checks that every
store is read: its coordinates' values (the bounding box) and a quicklook drawn from `tas`.

Run from this folder with the versions below (the repository's .venv has all but pcodec):
    pip install xarray==2026.9.0 zarr==3.1.6 numcodecs==0.16.6 numpy==2.4.6 pcodec==1.1.0
    python make_stores.py
"""

import shutil
from pathlib import Path

import numcodecs
import numpy as np
import xarray as xr

HERE = Path(__file__).parent

# name -> (filters, compressor, what the store shows)
CODECS = {
    "bitround": (
        [numcodecs.BitRound(keepbits=7)],
        numcodecs.Zstd(level=3),
        "BitRound to 7 mantissa bits, then Zstandard (as CMIP6 stores on the cloud do)",
    ),
    "fixedscaleoffset": (
        # The offset is the temperature's; coordinates get offset 0 (see `filters_for`).
        [numcodecs.FixedScaleOffset(offset=273.15, scale=100, dtype="<f4", astype="<i2")],
        numcodecs.Zlib(level=1),
        "packed to 16-bit integers with FixedScaleOffset, then zlib",
    ),
    "pcodec": ([], numcodecs.PCodec(level=8), "PCodec (pco)"),
    "fletcher32": ([], numcodecs.Fletcher32(), "a Fletcher-32 checksum after each chunk"),
    "adler32": ([], numcodecs.Adler32(), "an Adler-32 checksum before each chunk"),
    "delta": (
        [numcodecs.Delta(dtype="<f4")],
        numcodecs.Zlib(level=1),
        "Delta, then zlib",
    ),
}


def field() -> xr.Dataset:
    lat = np.array([-67.5, -22.5, 22.5, 67.5], dtype="<f4")
    lon = np.arange(-157.5, 180, 45, dtype="<f4")
    tas = 288.0 - 40.0 * np.sin(np.deg2rad(lat))[:, None] ** 2 + 0.5 * np.cos(np.deg2rad(lon))[None, :]
    ds = xr.Dataset(
        {"tas": (("lat", "lon"), tas.astype("<f4"), {"standard_name": "air_temperature", "units": "K", "long_name": "Near-surface air temperature"})},
        coords={
            "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north"}),
            "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east"}),
        },
        attrs={"Conventions": "CF-1.8", "title": "Codec fixture"},
    )
    return ds


def filters_for(filters: list, var: str) -> list:
    """Packing keeps 16-bit range only about its offset: coordinates are packed about 0."""
    if var == "tas":
        return filters
    return [
        numcodecs.FixedScaleOffset(offset=0, scale=f.scale, dtype=f.dtype, astype=f.astype)
        if isinstance(f, numcodecs.FixedScaleOffset)
        else f
        for f in filters
    ]


def main() -> None:
    for name, (filters, compressor, what) in CODECS.items():
        store = HERE / "content" / "data" / f"{name}.zarr"
        shutil.rmtree(store, ignore_errors=True)
        ds = field()
        ds.attrs["title"] = f"Codec fixture: {what}"
        encoding = {
            var: {"filters": filters_for(filters, var), "compressors": compressor, "chunks": ds[var].shape}
            for var in ds.variables
        }
        ds.to_zarr(store, zarr_format=2, consolidated=True, encoding=encoding, mode="w")


if __name__ == "__main__":
    main()
