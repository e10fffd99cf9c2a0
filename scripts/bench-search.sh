#!/usr/bin/env bash
# Search benchmark: Almanac's static index beside Pagefind on the same site.
#   1. generates a synthetic library of N datasets (default 10,000; meta.yaml + catalog.yaml
#      each, remote stores that an offline build does not read),
#   2. builds it with `almanac build` (theme and front end from the binary),
#   3. runs `pagefind --site` on the same built HTML,
#   4. counts the title words and adjacent word pairs whose type-ahead query is answered by
#      its term shards alone (model/examples/card_coverage.rs),
#   5. times the phases of a cold type-ahead query (tests/browser/search_probe.mjs),
#   6. measures both in headless Chromium (tests/browser/search_bench.mjs): bytes transferred
#      for a first query and query latency over a query set, the site served on 127.0.0.1
#      with gzip for text files as a CDN would, over HTTP/1.1 and then over HTTP/2 (TLS with a
#      certificate made for the run), as static hosts and CDNs serve.
# Results are printed; docs/benchmarks.md (## Search) records a run. Not part of the tests.
#
# Usage: [ALMANAC_BENCH_WORK=DIR] scripts/bench-search.sh [DATASETS]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
count="${1:-10000}"
say() { printf 'bench-search: %s\n' "$*"; }

bash scripts/build-web.sh >/dev/null
[[ -d tests/browser/node_modules/pagefind ]] || bash scripts/setup-browser.sh

# ALMANAC_BENCH_WORK=DIR keeps the generated library and the built site in DIR (made if
# missing) for repeated runs; otherwise a temporary folder is removed at the end.
if [[ -n "${ALMANAC_BENCH_WORK:-}" ]]; then
    work="$ALMANAC_BENCH_WORK"
    rm -rf "$work"
    mkdir -p "$work"
    work="$(cd "$work" && pwd)"
else
    work="$(mktemp -d /tmp/almanac-bench-search.XXXXXX)"
    trap 'rm -rf "$work"' EXIT
fi

say "generating $count datasets in $work"
python3 - "$work" "$count" <<'PY'
import random, sys, os
work, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
variables = [
    ("sea surface temperature", "sea_surface_temperature", "tos"),
    ("air temperature", "air_temperature", "tas"),
    ("precipitation", "precipitation_flux", "pr"),
    ("sea ice concentration", "sea_ice_area_fraction", "siconc"),
    ("sea level pressure", "air_pressure_at_sea_level", "psl"),
    ("salinity", "sea_water_salinity", "so"),
    ("ocean heat content", "ocean_heat_content", "ohc"),
    ("wind speed", "wind_speed", "sfcWind"),
    ("specific humidity", "specific_humidity", "hus"),
    ("chlorophyll", "mass_concentration_of_chlorophyll_in_sea_water", "chl"),
    ("soil moisture", "mass_content_of_water_in_soil", "mrso"),
    ("snow depth", "surface_snow_thickness", "snd"),
    ("cloud fraction", "cloud_area_fraction", "clt"),
    ("geopotential height", "geopotential_height", "zg"),
    ("ocean currents", "sea_water_velocity", "uo"),
    ("evaporation", "water_evaporation_flux", "evspsbl"),
]
regions = ["Arctic", "Antarctic", "North Atlantic", "Southern Ocean", "Tropical Pacific", "Indian Ocean",
           "Europe", "North America", "South America", "Africa", "Australia", "East Asia", "Mediterranean",
           "Himalaya", "Amazon Basin", "Greenland", "global"]
sources = ["CMIP6", "ERA5", "MERRA-2", "OSTIA", "GPM IMERG", "CESM2", "GFDL CM4", "UKESM1", "MPI-ESM",
           "NEMO", "MODIS", "Argo floats", "SMAP", "HadCRUT5", "ORAS5", "E3SM"]
kinds = ["reanalysis", "model simulation", "satellite observations", "in situ observations",
         "climate projection", "downscaled projection", "gridded analysis", "ensemble hindcast"]
resolutions = ["daily", "monthly", "hourly", "6-hourly", "annual", "3-hourly"]
providers = ["NASA", "NOAA", "ECMWF", "UK Met Office", "NCAR", "Copernicus Marine Service", "JAMSTEC",
             "Max Planck Institute for Meteorology", "CSIRO", "Columbia University LEAP"]
licenses = ["CC-BY-4.0", "CC0-1.0", "CC-BY-SA-4.0", "ODbL-1.0", "other"]
filler = ("analysis ready cloud optimized zarr store chunked along time for fast access regridded to a "
          "regular latitude longitude grid quality controlled bias corrected variables include uncertainty "
          "estimates produced by the feedstock recipe with pangeo forge and apache beam used for training "
          "machine learning emulators evaluating climate models studying extremes variability trends "
          "teleconnections heatwaves droughts storms monsoon eddies circulation budget").split()
content = os.path.join(work, "content", "datasets")
os.makedirs(content)
for i in range(count):
    name, standard, short = rng.choice(variables)
    region = rng.choice(regions)
    source = rng.choice(sources)
    kind = rng.choice(kinds)
    step = rng.choice(resolutions)
    start = rng.randint(1850, 2015)
    end = min(2100, start + rng.randint(5, 80))
    ident = f"ds-{i:05d}"
    title = f"{source} {step} {name} over {region} ({start}-{end})"
    words = " ".join(rng.choice(filler) for _ in range(rng.randint(30, 70)))
    description = (f"{source} {kind} of {name} ({standard}) over {region}, {step} from {start} to {end}. "
                   f"{words.capitalize()}.")
    provider = rng.choice(providers)
    folder = os.path.join(content, ident)
    os.makedirs(folder)
    with open(os.path.join(folder, "meta.yaml"), "w") as f:
        f.write(f'title: "{title}"\ndescription: "{description}"\n'
                f'provenance:\n  providers:\n    - name: "{provider}"\n      roles:\n        - producer\n'
                f'  license: "{rng.choice(licenses)}"\n'
                f'maintainers:\n  - name: "Maintainer {i % 97}"\n')
    tags = sorted({name, region.lower(), kind, source.lower(), "zarr"})
    with open(os.path.join(folder, "catalog.yaml"), "w") as f:
        f.write(f'"ncviewjs:meta_yaml_url": "https://github.com/example/{ident}-feedstock/blob/main/feedstock/meta.yaml"\n')
        f.write("tags:\n" + "".join(f'  - "{t}"\n' for t in tags))
        f.write(f'stores:\n  - id: "{short.lower()}"\n    name: "{name}"\n    url: "s3://example-bucket/{ident}/{short}.zarr"\n    public: true\n')
with open(os.path.join(work, "almanac.toml"), "w") as f:
    f.write(f'[site]\ntitle = "Synthetic library"\n[build]\ncontent_dir = "content"\n'
            f'output_dir = "public"\n[crawl]\noffline = true\n')
PY

say "building with almanac"
start=$SECONDS
cargo run -q -p almanac -- -q -C "$work" build
say "almanac build: $((SECONDS - start)) s"

say "pagefind --site public"
start=$SECONDS
node tests/browser/node_modules/pagefind/lib/runner/bin.cjs --site "$work/public" >"$work/pagefind.log" 2>&1 \
    || { cat "$work/pagefind.log"; exit 1; }
say "pagefind: $((SECONDS - start)) s ($(grep -i 'indexed' "$work/pagefind.log" | head -3 | tr '\n' ' '))"

size() { du -sb "$1" | cut -f1; }
say "index on disk: almanac search/ $(size "$work/public/search") B in $(find "$work/public/search" -type f | wc -l) files; pagefind/ $(size "$work/public/pagefind") B in $(find "$work/public/pagefind" -type f | wc -l) files"
cargo run -q --release -p almanac-model --example card_coverage -- "$work/public"
node tests/browser/search_probe.mjs "$work/public"
node tests/browser/search_bench.mjs "$work/public"
ALMANAC_BENCH_HTTP2=1 node tests/browser/search_bench.mjs "$work/public"
