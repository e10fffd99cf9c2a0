// Search benchmark driver (scripts/bench-search.sh): Almanac's quick find and Pagefind's JS API
// on the same built site in headless Chromium. Reports, for each, the bytes transferred for a
// first query (index files only, and with the search runtime's JS + wasm) and the latency of
// each query of a query set (p50, p90, cold), until the top 8 results are shown.
// Usage: node tests/browser/search_bench.mjs <built-site-with-pagefind>
import { resolve } from 'node:path';
import { launch } from './chromium.mjs';
import { serve } from './search_serve.mjs';
import { QUERIES } from './search_bench_queries.mjs';

const site = resolve(process.argv[2]);
const FIRST = 'temperature';
const TOP = 8;

// ALMANAC_BENCH_HTTP2=1: HTTP/2 over TLS, as static hosts and CDNs serve; else HTTP/1.1.
const http2 = process.env.ALMANAC_BENCH_HTTP2 === '1';
const server = await serve(site, { gzip: true, http2 });
const context = await launch(http2 ? ['--ignore-certificate-errors'] : []);
console.log(`protocol: ${http2 ? 'HTTP/2 (TLS)' : 'HTTP/1.1'}`);
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const requestsSince = (mark, test) =>
  server.stats.requests.slice(mark).filter((r) => test(r.path));

// Sets the quick find's query and waits until its matches for that query are shown.
const almanacQuery = (page, query) =>
  page.evaluate(async (q) => {
    const input = document.querySelector('#almanac-quick-find-input');
    const box = document.querySelector('.almanac-qf');
    const start = performance.now();
    const done = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (box.dataset.almanacDone === q) {
          observer.disconnect();
          resolve();
        }
      });
      observer.observe(box, { attributes: true });
    });
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await done;
    return { ms: performance.now() - start, results: document.querySelectorAll('.almanac-qf-option').length };
  }, query);

// Every prefix of every query from two characters on, as typing produces them.
const keystrokes = () => QUERIES.flatMap((q) => [...q].map((_, i) => q.slice(0, i + 1)).slice(1));

async function almanac() {
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#almanac-quick-find-input');
  const appBytes = requestsSince(0, (p) => p.startsWith('/app/')).reduce((s, r) => s + r.bytes, 0);
  const mark = server.stats.requests.length;
  const first = await almanacQuery(page, FIRST);
  const firstRequests = requestsSince(mark, (p) => p.startsWith('/search/'));
  const latencies = [];
  // Queries whose 8 matches all had cards in their term shards, and the others (which also
  // fetched per-document fragments).
  const oneRound = [];
  const twoRounds = [];
  for (const query of QUERIES.filter((q) => q !== FIRST)) {
    const before = server.stats.requests.length;
    const { ms } = await almanacQuery(page, query);
    latencies.push(ms);
    const fragments = requestsSince(before, (p) => p.startsWith('/search/docs/')).length;
    (fragments === 0 ? oneRound : twoRounds).push(ms);
    if (process.env.ALMANAC_BENCH_VERBOSE) console.log(`  ${query}: ${ms.toFixed(1)} ms, ${fragments} fragments`);
  }
  // The same queries again: every file is in memory, so this is query evaluation and rendering.
  const repeated = [];
  for (const query of QUERIES) repeated.push((await almanacQuery(page, query)).ms);
  await page.close();
  // Cold: each query in a fresh page whose engine has loaded index.json only (on focus), so
  // no term shard is already in memory.
  const cold = [];
  for (const query of QUERIES) {
    const fresh = await context.newPage();
    await fresh.goto(`${server.url}/`);
    await fresh.waitForSelector('#almanac-quick-find-input');
    await Promise.all([
      fresh.waitForResponse((r) => r.url().endsWith('/search/index.json')),
      fresh.focus('#almanac-quick-find-input'),
    ]);
    await fresh.waitForTimeout(50);
    cold.push((await almanacQuery(fresh, query)).ms);
    await fresh.close();
  }
  // Typing, in a fresh page: one latency per keystroke.
  const typingPage = await context.newPage();
  await typingPage.goto(`${server.url}/`);
  await typingPage.waitForSelector('#almanac-quick-find-input');
  const typing = [];
  for (const typed of keystrokes()) {
    if (typed.endsWith(' ')) continue;
    typing.push((await almanacQuery(typingPage, typed)).ms);
  }
  await typingPage.close();
  return {
    name: 'Almanac',
    firstBytes: firstRequests.reduce((s, r) => s + r.bytes, 0),
    firstRequests: firstRequests.length,
    runtimeBytes: appBytes,
    firstMs: first.ms,
    firstResults: first.results,
    latencies,
    oneRound,
    twoRounds,
    cold,
    repeated,
    typing,
  };
}

// Runs one Pagefind search (Pagefind already imported as `window.pf`) and loads the top
// results' data; returns the milliseconds it took.
const pagefindQuery = (page, query) =>
  page.evaluate(
    async ({ q, top }) => {
      const start = performance.now();
      const search = await window.pf.search(q);
      await Promise.all(search.results.slice(0, top).map((r) => r.data()));
      return performance.now() - start;
    },
    { q: query, top: TOP },
  );

async function pagefind() {
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  const mark = server.stats.requests.length;
  const first = await page.evaluate(
    async ({ q, top }) => {
      const start = performance.now();
      window.pf = await import('/pagefind/pagefind.js');
      await window.pf.options({});
      const search = await window.pf.search(q);
      await Promise.all(search.results.slice(0, top).map((r) => r.data()));
      return { ms: performance.now() - start, results: Math.min(top, search.results.length) };
    },
    { q: FIRST, top: TOP },
  );
  const firstRequests = requestsSince(mark, (p) => p.startsWith('/pagefind/'));
  const runtime = firstRequests.filter((r) => /\.(js|pagefind)$/.test(r.path) && !/pagefind-entry/.test(r.path));
  const latencies = [];
  for (const query of QUERIES.filter((q) => q !== FIRST)) {
    latencies.push(await pagefindQuery(page, query));
  }
  const repeated = [];
  for (const query of QUERIES) {
    repeated.push(await pagefindQuery(page, query));
  }
  await page.close();
  // Cold: each query in a fresh page with Pagefind loaded and initialised (its entry file
  // and wasm), so no index chunk is already in memory.
  const cold = [];
  for (const query of QUERIES) {
    const fresh = await context.newPage();
    await fresh.goto(`${server.url}/`);
    await fresh.evaluate(async () => {
      window.pf = await import('/pagefind/pagefind.js');
      await window.pf.options({});
      await window.pf.init();
    });
    await fresh.waitForTimeout(50);
    cold.push(await pagefindQuery(fresh, query));
    await fresh.close();
  }
  // Typing, in a fresh page: one search per keystroke.
  const typingPage = await context.newPage();
  await typingPage.goto(`${server.url}/`);
  await typingPage.evaluate(async () => {
    window.pf = await import('/pagefind/pagefind.js');
    await window.pf.options({});
  });
  const typing = [];
  for (const typed of keystrokes()) {
    if (typed.endsWith(' ')) continue;
    typing.push(await pagefindQuery(typingPage, typed));
  }
  await typingPage.close();
  const runtimeBytes = runtime.reduce((s, r) => s + r.bytes, 0);
  return {
    name: 'Pagefind',
    firstBytes: firstRequests.reduce((s, r) => s + r.bytes, 0) - runtimeBytes,
    firstRequests: firstRequests.length - runtime.length,
    runtimeBytes,
    firstMs: first.ms,
    firstResults: first.results,
    latencies,
    cold,
    repeated,
    typing,
  };
}

try {
  // ALMANAC_BENCH_ENGINES=almanac skips Pagefind (for quick runs while tuning).
  const engines = (process.env.ALMANAC_BENCH_ENGINES || 'almanac,pagefind').split(',');
  const rows = [];
  if (engines.includes('almanac')) rows.push(await almanac());
  if (engines.includes('pagefind')) rows.push(await pagefind());
  console.log(`queries: "${FIRST}" first, then ${QUERIES.length - 1} more; top ${TOP} results each`);
  console.log('| engine | first query: index bytes (requests) | search runtime (JS + wasm) | first query total | first query ms | p50 ms | p90 ms | p50 ms, cold | p50 ms, repeated | p50 ms per keystroke |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${kb(row.firstBytes)} (${row.firstRequests}) | ${kb(row.runtimeBytes)} | ${kb(row.firstBytes + row.runtimeBytes)} | ${row.firstMs.toFixed(1)} | ${percentile(row.latencies, 50).toFixed(1)} | ${percentile(row.latencies, 90).toFixed(1)} | ${percentile(row.cold, 50).toFixed(1)} | ${percentile(row.repeated, 50).toFixed(1)} | ${percentile(row.typing, 50).toFixed(1)} (${row.typing.length}) |`,
    );
  }
  for (const row of rows.filter((r) => r.oneRound)) {
    const p50 = (list) => (list.length ? `p50 ${percentile(list, 50).toFixed(1)} ms` : 'none');
    console.log(
      `${row.name}: ${row.oneRound.length} of ${row.latencies.length} queries answered by their term shards alone (${p50(row.oneRound)}); ${row.twoRounds.length} also fetched fragments (${p50(row.twoRounds)})`,
    );
  }
} finally {
  await context.close();
  await server.close();
}
