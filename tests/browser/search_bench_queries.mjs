// The query set of the search benchmark (search_bench.mjs) and probe (search_probe.mjs).
export const QUERIES = [
  'temperature', 'sea ice', 'precipitation', 'arctic', 'salinity monthly', 'reanalysis',
  'chlorophyll', 'soil moisture', 'wind speed', 'greenland', 'era5 daily', 'ocean heat',
  'snow depth', 'cloud fraction', 'monsoon', 'emulators', 'humidity', 'evaporation',
  'geopotential', 'heatwaves', 'droughts', 'argo', 'modis', 'mediterranean', 'hindcast',
  'projection', 'currents', 'antarctic', 'tropical pacific', 'himalaya',
];
