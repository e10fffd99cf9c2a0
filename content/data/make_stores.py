#!/usr/bin/env python3
"""Build the small, real CF Zarr stores of Almanac's bundled demo library.

What it makes
-------------
Every store under ``content/data/<dataset-id>/<store-id>.zarr`` is a small,
subset copy of a real CF-netCDF file that ships inside one of two PyPI
packages:

* ``iris-sample-data`` (SciTools / Met Office, Open Government Licence v3)
* ``esmvaltool-sample-data`` (ESMValTool, CMIP6 model output, CC BY-SA 4.0)

The files are read from the installed packages (located with ``importlib``),
subset (fewer time steps, coarser spatial stride, fewer variables) and written
as Zarr v2 or v3 with fixed chunking and compression, keeping the CF attributes
(units, standard_name, long_name, calendar, bounds, coordinates, grid_mapping,
_FillValue, ...).  The STORES table at the bottom of this file is the single
source of truth: it also generates ``content/data/SOURCES.md`` (per-store
source package, version, file, licence and subsetting).

The output is deterministic: running the script twice gives byte-identical
files.  Each dataset directory is deleted before it is rewritten, all
encodings/chunks/codecs are fixed, nothing records the current time, and the
one stdlib codec that would (gzip's header mtime) is pinned to 0.

How to run (from the repository root)
-------------------------------------
    python -m venv /tmp/v
    /tmp/v/bin/pip install -r content/data/requirements.txt
    /tmp/v/bin/python content/data/make_stores.py          # (re)write + check
    /tmp/v/bin/python content/data/make_stores.py --check  # only check

``--check`` opens every store with ``xarray.open_zarr`` (and with
``zarr.open_consolidated`` where metadata is consolidated), compares every
variable with a fresh subset of the source file, and prints a one-line
summary per store.  It exits non-zero if anything is missing or differs.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import io
import os
import shutil
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numcodecs
import numcodecs.blosc
import numcodecs.gzip
import numpy as np
import xarray as xr
import zarr
from numcodecs.compat import ensure_contiguous_ndarray
from zarr.codecs import GzipCodec, ZstdCodec

HERE = Path(__file__).resolve().parent  # content/data

IRIS_PKG = "iris-sample-data"
ESMVAL_PKG = "esmvaltool-sample-data"

# Licences as SPDX ids, with the statement they are based on.
OGL = "OGL-UK-3.0"
CC_BY_SA = "CC-BY-SA-4.0"


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------

def _gzip_encode_fixed_mtime(self, buf):
    """numcodecs.GZip.encode, but with the gzip header mtime pinned to 0.

    The stock codec lets ``gzip.GzipFile`` stamp the current time into every
    chunk header, which would make each run produce different bytes.  The
    output is still a standard gzip stream (RFC 1952) that any reader decodes.
    """
    buf = ensure_contiguous_ndarray(buf)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=self.level, mtime=0) as f:
        f.write(buf)
    return out.getvalue()


numcodecs.gzip.GZip.encode = _gzip_encode_fixed_mtime
numcodecs.blosc.use_threads = False  # single-threaded Blosc; same bytes every run

warnings.filterwarnings("ignore", message=".*Consolidated metadata is currently not part.*")
warnings.filterwarnings("ignore", category=FutureWarning)


def pkg_version(name: str) -> str:
    return importlib.metadata.version(name)


def iris_path(filename: str) -> Path:
    import iris_sample_data  # noqa: PLC0415  (located via the installed package)

    return Path(iris_sample_data.path) / filename


def esmval_root() -> Path:
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.find_spec("esmvaltool_sample_data")
    if spec is None or spec.origin is None:
        raise SystemExit("esmvaltool-sample-data is not installed")
    return Path(spec.origin).parent / "data" / "timeseries" / "CMIP6"


def cmip6_files(institution: str, model: str) -> list[Path]:
    d = esmval_root() / "CMIP" / institution / model / "historical" / "r1i1p1f1" / "Amon" / "ta" / "gn"
    files = sorted(d.glob("*/ta_Amon_*.nc"))
    if not files:
        raise SystemExit(f"no ta_Amon files found for {model} under {d}")
    return files


def open_nc(path: Path) -> xr.Dataset:
    """Open a CF netCDF file, decoding times (cftime for non-standard calendars)."""
    ds = xr.open_dataset(
        path,
        engine="netcdf4",
        decode_times=True,  # datetime64 for standard calendars, cftime otherwise
        decode_timedelta=False,
    )
    return ds.load()


# ---------------------------------------------------------------------------
# Source readers: each returns the subset xarray.Dataset to be written
# ---------------------------------------------------------------------------

def hadgem2_north_america(scenario: str) -> xr.Dataset:
    ds = open_nc(iris_path(f"{scenario}_north_america.nc"))
    # 240 annual (Dec-Nov) means 1860..2099 -> every 10th year, 1860..2090.
    return ds.isel(time=slice(None, None, 10))


def ostia() -> xr.Dataset:
    ds = open_nc(iris_path("ostia_monthly.nc"))
    # 54 monthly means 2006-04..2010-09 -> calendar year 2007; every 2nd longitude.
    ds = ds.sel(time=slice("2007-01-01", "2007-12-31"))
    return ds.isel(longitude=slice(None, None, 2))


def orca2() -> xr.Dataset:
    ds = open_nc(iris_path("orca2_votemper.nc"))
    # 148 x 180 curvilinear grid -> every 2nd point in both directions (74 x 90).
    return ds.isel(dim0=slice(None, None, 2), dim1=slice(None, None, 2))


def rotated_pole() -> xr.Dataset:
    return open_nc(iris_path("rotated_pole.nc"))  # 22 x 36, kept whole


def hybrid_height() -> xr.Dataset:
    ds = open_nc(iris_path("hybrid_height.nc"))
    # 15 levels x 100 x 100 -> all 15 levels, central 48 x 48 block of the grid
    # (native resolution, so the 1-D bounds stay contiguous).
    return ds.isel(grid_latitude=slice(26, 74), grid_longitude=slice(26, 74))


def soi_darwin() -> xr.Dataset:
    return open_nc(iris_path("SOI_Darwin.nc"))  # 1776 monthly values, kept whole


def toa_brightness() -> xr.Dataset:
    ds = open_nc(iris_path("toa_brightness_stereographic.nc"))
    # 160 x 256 stereographic grid -> every 2nd point (80 x 128).
    return ds.isel(y=slice(None, None, 2), x=slice(None, None, 2))


CMIP6_PERIOD = ("1950-01-01", "2014-12-31")
# Attributes that are per-file bookkeeping of the netCDF/OPeNDAP source.
NETCDF_ARTEFACT_ATTRS = ("_ChunkSizes", "DODS_EXTRA.Unlimited_Dimension")


def cmip6_ta(institution: str, model: str) -> xr.Dataset:
    parts = [open_nc(f) for f in cmip6_files(institution, model)]
    if len(parts) == 1:
        ds = parts[0]
    else:
        ds = xr.concat(
            parts,
            dim="time",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="override",
            combine_attrs="drop_conflicts",  # drops per-file tracking_id, creation_date, history
        )
    ds = ds.sel(time=slice(*CMIP6_PERIOD))
    for name in list(ds.attrs):
        if name in NETCDF_ARTEFACT_ATTRS:
            del ds.attrs[name]
    for var in ds.variables.values():
        for name in NETCDF_ARTEFACT_ATTRS:
            var.attrs.pop(name, None)
    return ds


# ---------------------------------------------------------------------------
# Store table
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Store:
    dataset_id: str
    store_id: str
    zarr_format: int
    consolidated: bool
    build: Callable[[], xr.Dataset]
    package: str
    files: Callable[[], list[Path]]
    license: str
    license_note: str
    subset: str
    title: str
    main_var: str
    main_chunks: tuple[int, ...]
    codec: str  # blosc-zstd | blosc-lz4 | zlib | zstd | gzip
    shards: tuple[int, ...] | None = None
    note: str = ""  # anything surprising about the source, for SOURCES.md

    @property
    def path(self) -> Path:
        return HERE / self.dataset_id / f"{self.store_id}.zarr"


HADGEM2_NOTE = (
    "These are HadGEM2-AO runs: the iris gallery example that uses this file says so, and "
    "the 1.25 x 1.875 degree (N96) grid and Unified Model 6.05 source attribute fit HadGEM2 "
    "(HadCM3's grid is 2.5 x 3.75 degrees)."
)

IRIS_LICENCE = (
    "Open Government Licence v3.0, (c) British Crown copyright; stated for all "
    "data in the iris-sample-data package (README / PyPI description)."
)


def _cmip6_licence_note(model: str, inst: str) -> str:
    return (
        f"CC BY-SA 4.0 as stated in the files' global `license` attribute "
        f"(\"CMIP6 model data produced by {inst} is licensed under a Creative "
        f"Commons Attribution ShareAlike 4.0 International License\"); the "
        f"esmvaltool-sample-data package likewise declares its data CC BY-SA 4.0. "
        f"See https://pcmdi.llnl.gov/CMIP6/TermsOfUse for citation requirements."
    )


def _iris(name: str) -> Callable[[], list[Path]]:
    return lambda: [iris_path(name)]


STORES: list[Store] = [
    Store(
        dataset_id="hadgem2-ao-a1b-north-america",
        store_id="a1b-north-america",
        zarr_format=2,
        consolidated=True,
        build=lambda: hadgem2_north_america("A1B"),
        package=IRIS_PKG,
        files=_iris("A1B_north_america.nc"),
        license=OGL,
        license_note=IRIS_LICENCE,
        subset="time: every 10th annual mean (24 of 240; 1860, 1870, ..., 2090); full 37 x 49 grid; all variables kept.",
        title="HadGEM2-AO SRES A1B near-surface air temperature over North America (decadal sample)",
        note=HADGEM2_NOTE,
        main_var="air_temperature",
        main_chunks=(12, 37, 49),
        codec="blosc-zstd",
    ),
    Store(
        dataset_id="hadgem2-ao-e1-north-america",
        store_id="e1-north-america",
        zarr_format=3,
        consolidated=False,
        build=lambda: hadgem2_north_america("E1"),
        package=IRIS_PKG,
        files=_iris("E1_north_america.nc"),
        license=OGL,
        license_note=IRIS_LICENCE,
        subset="time: every 10th annual mean (24 of 240; 1860, 1870, ..., 2090); full 37 x 49 grid; all variables kept.",
        title="HadGEM2-AO ENSEMBLES E1 near-surface air temperature over North America (decadal sample)",
        note=HADGEM2_NOTE,
        main_var="air_temperature",
        main_chunks=(12, 37, 49),
        codec="zstd",
    ),
    Store(
        dataset_id="ostia-monthly-sst",
        store_id="ostia-monthly-v2",
        zarr_format=2,
        consolidated=True,
        build=ostia,
        package=IRIS_PKG,
        files=_iris("ostia_monthly.nc"),
        license=OGL,
        license_note=IRIS_LICENCE,
        subset="time: the 12 monthly means of 2007 (of 54, 2006-04..2010-09); longitude: every 2nd point (216 of 432); all 18 latitudes (5S..5N).",
        title="OSTIA monthly mean sea surface temperature, equatorial band, 2007",
        main_var="surface_temperature",
        main_chunks=(6, 18, 216),
        codec="blosc-lz4",
    ),
    Store(
        dataset_id="ostia-monthly-sst",
        store_id="ostia-monthly-v3",
        zarr_format=3,
        consolidated=True,
        build=ostia,
        package=IRIS_PKG,
        files=_iris("ostia_monthly.nc"),
        license=OGL,
        license_note=IRIS_LICENCE,
        subset="Same data as ostia-monthly-v2: 2007 (12 months), every 2nd longitude.",
        title="OSTIA monthly mean sea surface temperature, equatorial band, 2007",
        main_var="surface_temperature",
        main_chunks=(6, 18, 216),
        codec="gzip",
    ),
    Store(
        dataset_id="nemo-orca2-temperature",
        store_id="orca2-votemper",
        zarr_format=3,
        consolidated=False,
        build=orca2,
        package=IRIS_PKG,
        files=_iris("orca2_votemper.nc"),
        license=OGL,
        license_note=IRIS_LICENCE,
        subset="every 2nd point in both grid directions (74 x 90 of 148 x 180), applied to the 2-D nav_lat/nav_lon and their 4-vertex cell bounds too; no time dimension in the source.",
        title="NEMO ORCA2 sea water potential temperature near the surface",
        note="The scalar time coordinate time_counter is 0001-01-01 12:00 (360_day calendar), i.e. a placeholder, not a real date.",
        main_var="votemper",
        main_chunks=(74, 90),
        codec="gzip",
    ),
    Store(
        dataset_id="rotated-pole-sea-level-pressure",
        store_id="rotated-pole",
        zarr_format=2,
        consolidated=True,
        build=rotated_pole,
        package=IRIS_PKG,
        files=_iris("rotated_pole.nc"),
        license=OGL,
        license_note=IRIS_LICENCE,
        subset="none: the whole 22 x 36 field is kept.",
        title="Met Office Unified Model air pressure at sea level on a rotated-pole grid",
        note="The dataset id says air temperature, but the file's only field is air_pressure_at_sea_level (Pa); the id is kept because it is already linked.",
        main_var="air_pressure_at_sea_level",
        main_chunks=(22, 36),
        codec="zlib",
    ),
    Store(
        dataset_id="hybrid-height-potential-temperature",
        store_id="hybrid-height",
        zarr_format=3,
        consolidated=True,
        build=hybrid_height,
        package=IRIS_PKG,
        files=_iris("hybrid_height.nc"),
        license=OGL,
        license_note=IRIS_LICENCE,
        subset="all 15 model levels; central 48 x 48 block (indices 26..73) of the 100 x 100 rotated grid, surface_altitude and grid bounds cut the same way.",
        title="Met Office Unified Model air potential temperature on hybrid height levels",
        main_var="air_potential_temperature",
        main_chunks=(5, 24, 24),
        shards=(15, 48, 48),
        codec="zstd",
    ),
    Store(
        dataset_id="soi-darwin",
        store_id="soi-darwin",
        zarr_format=2,
        consolidated=True,
        build=soi_darwin,
        package=IRIS_PKG,
        files=_iris("SOI_Darwin.nc"),
        license=OGL,
        license_note=IRIS_LICENCE
        + " The series itself originates from NCAR's Climate Analysis Section (Trenberth 1984; source attribute http://www.cgd.ucar.edu/cas/catalog/climind/SOI.nc).",
        subset="none: all 1776 monthly values (1866-01..2013-12) are kept.",
        title="Darwin Southern Oscillation Index, monthly, 1866-2013",
        note="The source time units 'days since 1800-01-01 00:00:0.0' are written back by xarray as the equivalent 'days since 1800-01-01'.",
        main_var="SOI_Darwin",
        main_chunks=(600,),
        codec="zlib",
    ),
    Store(
        dataset_id="cmip6-air-temperature",
        store_id="taiesm1",
        zarr_format=3,
        consolidated=True,
        build=lambda: cmip6_ta("AS-RCEC", "TaiESM1"),
        package=ESMVAL_PKG,
        files=lambda: cmip6_files("AS-RCEC", "TaiESM1"),
        license=CC_BY_SA,
        license_note=_cmip6_licence_note("TaiESM1", "NCC")
        + " (The TaiESM1 file names NCC as producer in this sentence, apparently a template left-over; the model is from AS-RCEC.)",
        subset="time: 1950-01..2014-12 (780 of 1980 months, 1850-2014); the package already cut the field to 2 pressure levels (1000, 925 hPa) and a 3 x 2 patch at the North Pole. Variable ta with time/lat/lon bounds.",
        title="TaiESM1 historical monthly air temperature (CMIP6), 1950-2014",
        main_var="ta",
        main_chunks=(120, 2, 3, 2),
        codec="zstd",
    ),
    Store(
        dataset_id="cmip6-air-temperature",
        store_id="awi-cm-1-1-mr",
        zarr_format=3,
        consolidated=True,
        build=lambda: cmip6_ta("AWI", "AWI-CM-1-1-MR"),
        package=ESMVAL_PKG,
        files=lambda: cmip6_files("AWI", "AWI-CM-1-1-MR"),
        license=CC_BY_SA,
        license_note=_cmip6_licence_note("AWI-CM-1-1-MR", "Alfred Wegener Institute"),
        subset="the 65 yearly files 1950..2014 concatenated along time (780 months); per-file attributes that differ (tracking_id, creation_date, history) dropped; 2 pressure levels, 2 x 3 patch at the North Pole as shipped.",
        title="AWI-CM-1-1-MR historical monthly air temperature (CMIP6), 1950-2014",
        main_var="ta",
        main_chunks=(120, 2, 2, 3),
        codec="gzip",
    ),
    Store(
        dataset_id="cmip6-air-temperature",
        store_id="miroc6",
        zarr_format=3,
        consolidated=True,
        build=lambda: cmip6_ta("MIROC", "MIROC6"),
        package=ESMVAL_PKG,
        files=lambda: cmip6_files("MIROC", "MIROC6"),
        license=CC_BY_SA,
        license_note=_cmip6_licence_note("MIROC6", "MIROC"),
        subset="the 7 decadal files 1950..2014 concatenated along time (780 months); per-file attributes that differ (tracking_id, creation_date, history) dropped; 2 pressure levels, 2 x 2 patch at the North Pole as shipped.",
        title="MIROC6 historical monthly air temperature (CMIP6), 1950-2014",
        main_var="ta",
        main_chunks=(120, 2, 2, 2),
        codec="zstd",
    ),
    Store(
        dataset_id="toa-brightness-temperature",
        store_id="toa-brightness-stereographic",
        zarr_format=2,
        consolidated=True,
        build=toa_brightness,
        package=IRIS_PKG,
        files=_iris("toa_brightness_stereographic.nc"),
        license=OGL,
        license_note=IRIS_LICENCE + " The file credits EUMETSAT (acknowledgement/source attributes) for the MSG SEVIRI observations.",
        subset="every 2nd point in x and y (80 x 128 of 160 x 256), applied to the 2-D lat/lon auxiliary coordinates too.",
        title="MSG SEVIRI 10.8 micron top-of-atmosphere brightness temperature, polar stereographic",
        note="The file says 'This dataset is for test purposes only'. Its geospatial_lat/lon_min/max global attributes are not meaningful (e.g. geospatial_lat_max = 2.2e-44) and are kept verbatim.",
        main_var="data",
        main_chunks=(40, 128),
        codec="blosc-lz4",
    ),
]


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------

def compressors(codec: str, zarr_format: int):
    if zarr_format == 2:
        return {
            "blosc-zstd": (numcodecs.Blosc(cname="zstd", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE, blocksize=0),),
            "blosc-lz4": (numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE, blocksize=0),),
            "zlib": (numcodecs.Zlib(level=6),),
        }[codec]
    return {
        "zstd": (ZstdCodec(level=5, checksum=False),),
        "gzip": (GzipCodec(level=6),),
    }[codec]


def set_encoding(ds: xr.Dataset, store: Store) -> xr.Dataset:
    """Replace the netCDF encodings with fixed Zarr ones.

    Keeps the source's on-disk dtype, time units/calendar and _FillValue (or
    none when the source had none); the main variable gets the store's chunks
    (and shards), every other variable is a single chunk.
    """
    ds = ds.copy()
    comp = compressors(store.codec, store.zarr_format)
    for name, var in ds.variables.items():
        src = var.encoding
        enc: dict = {}
        for key in ("units", "calendar", "dtype"):
            if key in src:
                enc[key] = src[key]
        enc["_FillValue"] = src.get("_FillValue", None)
        # Keep the source's own `coordinates` attribute (or none), rather than
        # letting xarray attach every scalar coordinate to bounds variables.
        enc["coordinates"] = src.get("coordinates", None)
        if name == store.main_var:
            enc["chunks"] = store.main_chunks
            if store.shards is not None:
                enc["shards"] = store.shards
        else:
            enc["chunks"] = tuple(var.shape)
        enc["compressors"] = comp
        var.encoding = enc
    return ds


def add_global_attrs(ds: xr.Dataset, store: Store) -> xr.Dataset:
    ds = ds.copy()
    files = ", ".join(f.name for f in store.files())
    note = (
        f"Almanac demo library: {store.subset} Re-encoded to Zarr v{store.zarr_format} by "
        f"content/data/make_stores.py from {store.package}=={pkg_version(store.package)} ({files})."
    )
    attrs = dict(ds.attrs)
    attrs.setdefault("title", store.title)
    attrs["history"] = (attrs["history"] + "\n" + note) if attrs.get("history") else note
    attrs.setdefault("license", f"{store.license}: {store.license_note}")
    ds.attrs = attrs
    return ds


def write_store(store: Store) -> None:
    ds = store.build()
    ds = add_global_attrs(set_encoding(ds, store), store)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    ds.to_zarr(
        store.path,
        mode="w-",
        zarr_format=store.zarr_format,
        consolidated=store.consolidated,
        write_empty_chunks=True,
    )


# ---------------------------------------------------------------------------
# Check
# ---------------------------------------------------------------------------

def store_size(path: Path) -> tuple[int, int]:
    total, count = 0, 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
            count += 1
    return total, count


def time_summary(ds: xr.Dataset, group: zarr.Group) -> str:
    for name in ("time", "time_counter"):
        if name in ds.variables:
            t = ds[name].values.ravel()
            cal = group[name].attrs.get("calendar", "standard (default)")
            fmt = lambda v: np.datetime_as_string(v, unit="D") if isinstance(v, np.datetime64) else v.strftime("%Y-%m-%d")
            rng = fmt(t[0]) if t.size == 1 else f"{fmt(t[0])}..{fmt(t[-1])}"
            return f"time {rng} ({t.size} step{'' if t.size == 1 else 's'}, calendar {cal})"
    return "no time"


def check_store(store: Store) -> list[str]:
    problems: list[str] = []
    if not store.path.exists():
        return [f"{store.path} is missing"]
    ds = xr.open_zarr(store.path, consolidated=store.consolidated, zarr_format=store.zarr_format)
    if store.consolidated:
        group = zarr.open_consolidated(store.path, zarr_format=store.zarr_format, mode="r")
    else:
        group = zarr.open_group(store.path, zarr_format=store.zarr_format, mode="r")
    # Every variable must round-trip to exactly the source subset.
    src = store.build()
    for name, var in src.variables.items():
        if name not in ds.variables:
            problems.append(f"{name} missing")
            continue
        a, b = var.values, ds[name].values
        if a.shape != b.shape or not (np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else np.array_equal(a, b)):
            problems.append(f"{name} differs from source")
        for key in ("units", "standard_name", "long_name", "bounds", "grid_mapping"):
            if key in var.attrs and ds[name].attrs.get(key) != var.attrs[key]:
                problems.append(f"{name}.{key} lost")
    size, nfiles = store_size(store.path)
    rel = store.path.relative_to(HERE)
    variables = ",".join(sorted(ds.data_vars))
    dims = " ".join(f"{k}={v}" for k, v in ds.sizes.items())
    print(
        f"{'OK ' if not problems else 'BAD'} {rel}  zarr v{store.zarr_format}"
        f"{' consolidated' if store.consolidated else ''}  {size / 1024:.0f} KiB/{nfiles} files  "
        f"vars[{variables}]  dims[{dims}]  {time_summary(ds, group)}"
    )
    for p in problems:
        print(f"    {p}")
    return problems


# ---------------------------------------------------------------------------
# SOURCES.md
# ---------------------------------------------------------------------------

def write_sources_md() -> None:
    lines = [
        "# Sources of the demo library's Zarr stores",
        "",
        "Generated by `content/data/make_stores.py` (do not edit by hand; edit the",
        "`STORES` table in the script and re-run it). Every store is a small, subset",
        "re-encoding of a real CF-netCDF file shipped inside a PyPI package; the data",
        "values themselves are unchanged (no regridding, averaging or unit changes).",
        "",
        "Package licences:",
        "",
        f"- `{IRIS_PKG}` {pkg_version(IRIS_PKG)} (https://pypi.org/project/{IRIS_PKG}/):",
        "  \"(c) British Crown copyright ... Open Government Licence\" for all data in the",
        "  package; the licence link is the current OGL, version 3.0 (SPDX `OGL-UK-3.0`).",
        f"- `{ESMVAL_PKG}` {pkg_version(ESMVAL_PKG)} (https://pypi.org/project/{ESMVAL_PKG}/):",
        "  package licence \"Apache 2.0; CC BY-SA 4.0\" (code; data). Each CMIP6 file's",
        "  `license` attribute grants CC BY-SA 4.0 (SPDX `CC-BY-SA-4.0`).",
        "",
        "Encoding conventions (as written by xarray + zarr-python 3):",
        "",
        "- Zarr v2: dimension names in the `_ARRAY_DIMENSIONS` attribute; the CF",
        "  `_FillValue` is the array's `fill_value` (null where the source had none).",
        "- Zarr v3: dimension names in `dimension_names`; a float CF `_FillValue` is an",
        "  attribute holding the base64 of the little-endian float64 value (xarray's",
        "  convention, e.g. `\"AAAAgB2vFUQ=\"` = 1e20); the array `fill_value` (`\"NaN\"`",
        "  for floats) is not a CF missing value. Consolidated v3 stores carry",
        "  zarr-python's `consolidated_metadata` inside the root `zarr.json` (not yet",
        "  part of the v3 specification); the others must be read array by array.",
        "- Time units keep the source's reference date, calendar and dtype; xarray",
        "  writes the reference date in short form (`hours since 1970-01-01`).",
        "- Each dataset's global attributes gain a `history` line describing the",
        "  subsetting, and `title`/`license` where the source had none.",
        "",
    ]
    for s in STORES:
        size, nfiles = store_size(s.path)
        files = ", ".join(f"`{f.name}`" for f in s.files())
        lines += [
            f"## `{s.dataset_id}/{s.store_id}.zarr`",
            "",
            f"- Source: `{s.package}` {pkg_version(s.package)}, {files}",
            f"- Licence: `{s.license}`. {s.license_note}",
            f"- Subsetting: {s.subset}",
            f"- Encoding: Zarr v{s.zarr_format}{', consolidated metadata' if s.consolidated else ''}; "
            f"codec {s.codec}; `{s.main_var}` chunks {list(s.main_chunks)}"
            + (f" in shards {list(s.shards)}" if s.shards else "")
            + "; other variables one chunk each.",
            f"- Size: {size} bytes in {nfiles} files.",
        ]
        if s.note:
            lines.append(f"- Note: {s.note}")
        lines.append("")
    (HERE / "SOURCES.md").write_text("\n".join(lines))


# ---------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only verify the existing stores and print a summary")
    args = parser.parse_args()

    if not args.check:
        for dataset_id in sorted({s.dataset_id for s in STORES}):
            shutil.rmtree(HERE / dataset_id, ignore_errors=True)
        for s in STORES:
            write_store(s)
        write_sources_md()

    problems = [p for s in STORES for p in check_store(s)]
    total = sum(store_size(s.path)[0] for s in STORES)
    print(f"{len(STORES)} stores in {len({s.dataset_id for s in STORES})} datasets, {total / 1024:.0f} KiB of files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
