"""Interop check of a built STAC catalog with pystac, xarray and xpystac, offline.

Usage: stac_interop.py CATALOG_JSON SCHEMA_MIRROR CONTENT_DIR [--no-stores]

With --no-stores only step 1 runs (for synthetic catalogs whose stores do not exist).

1. pystac opens the root catalog, walks every collection and item, and `validate_all()` checks
   every object against the STAC 1.1 core and extension schemas. Schemas are read from the
   local mirror (SCHEMA_MIRROR, laid out by URL); nothing is fetched from the network, and a
   schema the mirror does not hold fails this script.
2. Every Zarr asset whose href is local is opened with xarray from the asset's href and its
   `zarr:` and `xarray:` fields, and compared with the same store opened directly from
   CONTENT_DIR: the datasets must be identical. The asset's `cube:variables` must name the
   dimensions xarray reports, and the extents in `cube:dimensions` must be the extremes of
   the 1-D coordinates (ISO extents as cftime dates, numeric extents as raw values).
3. xpystac opens the same assets (xpystac 0.5 compares the media type without parameters, so
   the `; version=N` parameter is dropped on a copy of the asset first).

Prints one line per check and exits non-zero on the first failure.
"""

import copy
import sys
import warnings
from pathlib import Path
from urllib.parse import urlparse

import pystac
import xarray as xr
from pystac.stac_io import DefaultStacIO

class MirrorStacIO(DefaultStacIO):
    """Reads local files as usual and schema URLs from the mirror; refuses the network."""

    def __init__(self, mirror: Path):
        super().__init__()
        self.mirror = mirror
        self.schemas_read: set[str] = set()

    def read_text_from_href(self, href: str) -> str:
        parsed = urlparse(href)
        if parsed.scheme in ("http", "https"):
            url = href.split("#")[0]
            path = self.mirror / parsed.netloc / parsed.path.lstrip("/")
            if path.is_file():
                self.schemas_read.add(url)
                return path.read_text()
            raise RuntimeError(f"not in the schema mirror and not fetched: {href}")
        return super().read_text_from_href(href)


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"FAIL: {message}")
        sys.exit(1)


def walk(catalog: pystac.Catalog):
    """Every collection and item of the catalog, through page catalogs."""
    collections, items = [], []
    for root, children, own_items in catalog.walk():
        if isinstance(root, pystac.Collection):
            collections.append(root)
        items.extend(own_items)
    return collections, items


def zarr_assets(objects):
    for obj in objects:
        for key, asset in obj.assets.items():
            if (asset.media_type or "").startswith("application/vnd.zarr"):
                yield obj, key, asset


def open_from_asset(asset: pystac.Asset) -> xr.Dataset:
    fields = asset.extra_fields
    kwargs = dict(fields.get("xarray:open_kwargs", {}))
    kwargs.setdefault("engine", "zarr")
    if "zarr:consolidated" in fields:
        kwargs["consolidated"] = fields["zarr:consolidated"]
    if "zarr:zarr_format" in fields:
        kwargs["zarr_format"] = fields["zarr:zarr_format"]
    if "xarray:storage_options" in fields:
        kwargs["storage_options"] = fields["xarray:storage_options"]
    return xr.open_dataset(asset.get_absolute_href(), **kwargs)


def check_extents(label: str, dimensions: dict, store: Path) -> int:
    """The extents of `cube:dimensions` are the coordinates' extremes as xarray reads them
    (cftime dates for ISO extents, raw numbers for the rest). Returns how many were checked."""
    checked = 0
    decoded = xr.open_dataset(
        store, engine="zarr", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)
    )
    raw = xr.open_dataset(store, engine="zarr", decode_times=False)
    for name, dimension in dimensions.items():
        if name not in raw.coords or raw[name].ndim != 1:
            continue
        extent = dimension["extent"]
        if isinstance(extent[0], str):
            values = decoded[name].values
            first, last = min(values), max(values)
            check(
                extent == [f"{first.isoformat()}Z", f"{last.isoformat()}Z"],
                f"{label}: {name} extent {extent} == {first} .. {last}",
            )
        else:
            values = raw[name].values.astype("float64")
            expected = [float(values.min()), float(values.max())]
            close = all(abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(extent, expected))
            check(close, f"{label}: {name} extent {extent} == {expected}")
        checked += 1
    return checked


def main() -> None:
    catalog_path, mirror, content = (Path(a).resolve() for a in sys.argv[1:4])
    open_stores = "--no-stores" not in sys.argv[4:]
    # Stores without consolidated metadata are opened directly as a user would, quietly.
    warnings.filterwarnings("ignore", message="Failed to open Zarr store with consolidated")
    stac_io = MirrorStacIO(mirror)
    pystac.StacIO.set_default(lambda: stac_io)

    catalog = pystac.Catalog.from_file(str(catalog_path), stac_io=stac_io)
    collections, items = walk(catalog)
    check(len(collections) > 0, "the catalog has collections")
    print(f"walked {len(collections)} collections and {len(items)} items")
    # validate_all raises on the first invalid object; it returns the number of items.
    validated_items = catalog.validate_all(recursive=True)
    print(f"validate_all: every catalog, collection and item valid ({validated_items} items)")
    check(validated_items == len(items), "validate_all saw every item")
    declared = {
        url
        for obj in [catalog, *collections, *items]
        for url in obj.stac_extensions
    }
    check(
        declared <= stac_io.schemas_read,
        f"declared extensions pystac did not validate: {sorted(declared - stac_io.schemas_read)}",
    )
    print(f"validated against {len(stac_io.schemas_read)} schemas, every declared extension among them")

    if not open_stores:
        print("ok: stores not opened (--no-stores)")
        return
    opened = extents = 0
    for obj, key, asset in zarr_assets([*collections, *items]):
        href = asset.get_absolute_href()
        if href is None or urlparse(href).scheme not in ("", "file"):
            continue
        local = Path(urlparse(href).path).resolve()
        check(local.is_dir(), f"{obj.id}/{key}: {local} exists")
        check(local.is_relative_to(content), f"{obj.id}/{key}: {local} is in {content}")
        from_asset = open_from_asset(asset)
        direct = xr.open_dataset(local, engine="zarr")
        xr.testing.assert_identical(from_asset, direct)
        cube = asset.extra_fields.get("cube:variables") or obj.extra_fields.get(
            "cube:variables"
        )
        if cube is None and isinstance(obj, pystac.Item):
            cube = obj.properties.get("cube:variables")
        check(cube is not None, f"{obj.id}/{key}: has cube:variables")
        for name, variable in cube.items():
            check(name in direct.variables, f"{obj.id}/{key}: variable {name} exists")
            check(
                list(direct[name].dims) == variable["dimensions"],
                f"{obj.id}/{key}: {name} dims {list(direct[name].dims)} == {variable['dimensions']}",
            )
        dimensions = asset.extra_fields.get("cube:dimensions") or obj.extra_fields.get(
            "cube:dimensions"
        )
        if dimensions is None and isinstance(obj, pystac.Item):
            dimensions = obj.properties.get("cube:dimensions")
        extents += check_extents(f"{obj.id}/{key}", dimensions, local)
        # xpystac 0.5 matches the media type exactly, so drop the version parameter.
        plain = copy.copy(asset)
        plain.media_type = (asset.media_type or "").split(";")[0]
        plain.extra_fields = copy.deepcopy(asset.extra_fields)
        plain.href = href
        via_xpystac = xr.open_dataset(plain, engine="stac")
        xr.testing.assert_identical(via_xpystac, direct)
        opened += 1
        print(
            f"opened {obj.id}/{key} from its asset: identical to the store (xarray, xpystac),"
            " extents agree"
        )
    check(opened > 0, "at least one local Zarr asset was opened")
    check(extents > 0, "dimension extents were compared")
    print(f"compared {extents} dimension extents with xarray")
    print(f"ok: {opened} Zarr assets")


if __name__ == "__main__":
    main()
