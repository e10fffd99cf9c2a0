"""Writes CF Zarr stores with xarray and records what xarray reports about them.

Usage: python tests/interop/xarray_stores.py OUT_DIR

For every case below this writes OUT_DIR/<case>.zarr and, in OUT_DIR/expected.json, the facts
xarray gives for the store: per variable its dimensions, shape, stored dtype, chunks and whether
it is a data variable or a coordinate (with decode_coords="all", so bounds and grid mappings are
coordinates); the decoded time range with its units and calendar; the decoded range of each
1-D coordinate; the decoded latitude/longitude values' bounding box. generator/tests/
interop_xarray.rs crawls the same stores and compares. Run by the test suite with the project's
.venv (tests/requirements.txt pins xarray, zarr, numpy, pandas and cftime).
"""

import json
import sys
import warnings
from pathlib import Path

import cftime
import numpy as np
import pandas as pd
import xarray as xr

OUT = Path(sys.argv[1])


def grid(lat, lon):
    return {
        "lat": ("lat", np.asarray(lat, dtype="float64"), {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", np.asarray(lon, dtype="float64"), {"units": "degrees_east", "standard_name": "longitude"}),
    }


def time_coord(values, units, calendar):
    return (
        "time",
        np.asarray(values),
        {"standard_name": "time"},
    ), {"units": units, "calendar": calendar}


def cf_dates(calendar, start, count, step_days):
    return [
        cftime.num2date(start + i * step_days, "days since 2000-01-01", calendar=calendar)
        for i in range(count)
    ]


def dataset(times, time_encoding, lat, lon, variable="tas", dtype="float32", attrs=None):
    rng = np.random.default_rng(7)
    shape = (len(times), len(lat), len(lon))
    ds = xr.Dataset(
        {
            variable: (
                ("time", "lat", "lon"),
                (280 + 10 * rng.standard_normal(shape)).astype(dtype),
                {"units": "K", "standard_name": "air_temperature", "long_name": "Near-surface air temperature"},
            )
        },
        coords={
            "time": ("time", times, {"standard_name": "time", "axis": "T"}),
            **grid(lat, lon),
        },
        attrs={"Conventions": "CF-1.8", **(attrs or {})},
    )
    ds["time"].encoding.update(time_encoding)
    return ds


def gregorian_daily():
    times = pd.date_range("2000-01-01", periods=366, freq="D").values
    lat = np.arange(89.5, -90, -1.0)  # descending
    lon = np.arange(0.5, 360, 1.0)  # 0-360, global
    ds = dataset(times, {"units": "days since 1990-01-01", "calendar": "standard"}, lat, lon)
    return ds, {"tas": (100, 90, 180)}


def noleap_monthly():
    times = [cftime.DatetimeNoLeap(1850 + m // 12, m % 12 + 1, 15) for m in range(36)]
    lat = np.linspace(-60, 60, 25)
    lon = np.arange(-180, 180, 5.0)
    ds = dataset(times, {"units": "days since 1850-01-01", "calendar": "noleap"}, lat, lon)
    return ds, {"tas": (12, 25, 72)}


def three_sixty_day():
    times = [cftime.Datetime360Day(2000, 1, 1) + pd.Timedelta(days=d).to_pytimedelta() for d in range(90)]
    lat = np.arange(20.0, 50.1, 2.5)
    lon = np.arange(200.0, 300.1, 2.5)  # 0-360 region west of Greenwich: -160..-60
    ds = dataset(times, {"units": "hours since 1999-12-01", "calendar": "360_day"}, lat, lon)
    return ds, {"tas": (30, 13, 41)}


def all_leap_six_hourly():
    times = [cftime.DatetimeAllLeap(2001, 2, 27) + pd.Timedelta(hours=6 * h).to_pytimedelta() for h in range(20)]
    lat = [10.0, 11.0]
    lon = [170.0, 175.0, 180.0, 185.0, 190.0]  # across the antimeridian
    ds = dataset(times, {"units": "hours since 2001-01-01 00:00:00", "calendar": "all_leap"}, lat, lon)
    return ds, {"tas": (8, 2, 5)}


def julian_daily():
    times = [cftime.DatetimeJulian(1582, 10, 1) + pd.Timedelta(days=d).to_pytimedelta() for d in range(30)]
    lat = [0.0, 1.0, 2.0]
    lon = [358.0, 359.0, 0.0, 1.0]  # unsorted, across Greenwich in 0-360
    ds = dataset(times, {"units": "days since 1582-01-01", "calendar": "julian"}, lat, lon)
    return ds, {"tas": (10, 3, 4)}


def proleptic_hourly():
    times = pd.date_range("1900-01-01T03:00", periods=48, freq="h").values
    lat = np.linspace(-10, 10, 5)
    lon = np.linspace(-20, 20, 9)
    ds = dataset(times, {"units": "minutes since 1900-01-01", "calendar": "proleptic_gregorian"}, lat, lon)
    return ds, {"tas": (24, 5, 9)}


def curvilinear():
    ny, nx = 12, 16
    j, i = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
    lat2 = 40.0 + 2.0 * j + 0.3 * i
    lon2 = 160.0 + 2.5 * i - 0.2 * j  # 157.8 .. 197.5: crosses the antimeridian in 0-360
    times = pd.date_range("2010-06-01", periods=4, freq="D").values
    rng = np.random.default_rng(3)
    ds = xr.Dataset(
        {
            "sst": (
                ("time", "y", "x"),
                (290 + rng.standard_normal((4, ny, nx))).astype("float32"),
                {"units": "K", "standard_name": "sea_surface_temperature"},
            )
        },
        coords={
            "time": ("time", times, {"standard_name": "time"}),
            "nav_lat": (("y", "x"), lat2, {"units": "degrees_north", "standard_name": "latitude"}),
            "nav_lon": (("y", "x"), lon2, {"units": "degrees_east", "standard_name": "longitude"}),
        },
        attrs={"Conventions": "CF-1.8"},
    )
    ds["time"].encoding.update({"units": "days since 2010-01-01", "calendar": "gregorian"})
    return ds, {"sst": (2, 12, 16), "nav_lat": (12, 16), "nav_lon": (12, 16)}


def packed():
    times = pd.date_range("2020-01-01", periods=10, freq="D").values
    lat = np.arange(-30.0, 30.01, 0.25)
    lon = np.arange(100.0, 160.01, 0.25)
    ds = dataset(times, {"units": "days since 2020-01-01", "calendar": "standard"}, lat, lon, variable="sst")
    ds["sst"].values[:, :3, :3] = np.nan
    ds["sst"].encoding.update(
        {"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32767}
    )
    # Packed coordinates too: the bounding box must come from unpacked values.
    for name in ("lat", "lon"):
        ds[name].encoding.update({"dtype": "int32", "scale_factor": 0.001, "add_offset": 0.0})
    return ds, {"sst": (5, 121, 121)}


CASES = {
    # name: (builder, zarr_format, consolidated)
    "gregorian_daily_v2": (gregorian_daily, 2, True),
    "gregorian_daily_v3": (gregorian_daily, 3, True),
    "noleap_monthly_v2_unconsolidated": (noleap_monthly, 2, False),
    "noleap_monthly_v3": (noleap_monthly, 3, True),
    "three_sixty_day_v3_unconsolidated": (three_sixty_day, 3, False),
    "three_sixty_day_v2": (three_sixty_day, 2, True),
    "all_leap_six_hourly_v3": (all_leap_six_hourly, 3, True),
    "julian_daily_v2": (julian_daily, 2, True),
    "proleptic_hourly_v3": (proleptic_hourly, 3, True),
    "curvilinear_v2": (curvilinear, 2, True),
    "curvilinear_v3_unconsolidated": (curvilinear, 3, False),
    "packed_v2": (packed, 2, True),
    "packed_v3": (packed, 3, True),
}


def iso(value):
    if isinstance(value, cftime.datetime):
        return value.isoformat()
    return pd.Timestamp(value).isoformat()


def longitude_box(lons):
    """West and east of the smallest arc holding every longitude (-180..180; west > east when
    it crosses the antimeridian), or the globe when no gap is wider than 1.5 typical steps."""
    values = np.sort(((np.asarray(lons, dtype="float64").ravel() + 180.0) % 360.0) - 180.0)
    gaps = np.diff(np.concatenate([values, [values[0] + 360.0]]))
    widest = int(np.argmax(gaps))
    raw = np.asarray(lons, dtype="float64")
    steps = np.abs(np.diff(raw, axis=-1)).ravel()
    step = float(np.median(steps)) if steps.size else None
    if step and gaps[widest] < 1.5 * step:
        return [-180.0, 180.0]
    west = values[(widest + 1) % len(values)]
    east = values[widest]
    return [float(west), float(east)]


def describe(path):
    raw = xr.open_zarr(path, decode_cf=False, consolidated=None)
    decoded = xr.open_zarr(
        path,
        decode_coords="all",
        consolidated=None,
        decode_times=xr.coders.CFDatetimeCoder(use_cftime=True),
    )
    variables = {}
    for name, var in raw.variables.items():
        variables[name] = {
            "dimensions": list(var.dims),
            "shape": list(var.shape),
            "dtype": str(var.dtype),
            "chunks": list(var.encoding["chunks"]),
            "data": name in decoded.data_vars,
        }
    time = decoded["time"]
    times = time.values
    ranges = {}
    for name, var in decoded.coords.items():
        if var.ndim == 1 and name != "time" and var.dims == (name,):
            ranges[name] = [float(var.min()), float(var.max())]
    lat = next(v for v in decoded.coords.values() if v.attrs.get("standard_name") == "latitude")
    lon = next(v for v in decoded.coords.values() if v.attrs.get("standard_name") == "longitude")
    return {
        "zarr_format": raw.encoding.get("zarr_format") or (3 if (path / "zarr.json").exists() else 2),
        "variables": variables,
        "time": {
            "start": iso(min(times)),
            "end": iso(max(times)),
            "units": raw["time"].attrs["units"],
            # As cftime names it for the decoded values ("gregorian" is "standard").
            "calendar": time.dt.calendar,
        },
        "ranges": ranges,
        "bbox": {
            "south": float(lat.min()),
            "north": float(lat.max()),
            "west_east": longitude_box(lon.values),
        },
    }


def main():
    # Packing float coordinates without a _FillValue, and consolidated metadata in Zarr 3, are
    # what the cases mean to do; xarray and zarr warn about both.
    warnings.simplefilter("ignore")
    OUT.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (builder, zarr_format, consolidated) in CASES.items():
        ds, chunks = builder()
        for var, shape in chunks.items():
            ds[var].encoding["chunks"] = shape
        for var in ds.variables:
            if var not in chunks and ds[var].ndim > 0:
                ds[var].encoding.setdefault("chunks", ds[var].shape)
        path = OUT / f"{name}.zarr"
        ds.to_zarr(path, mode="w", zarr_format=zarr_format, consolidated=consolidated)
        expected[name] = describe(path)
        expected[name]["consolidated"] = consolidated
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
