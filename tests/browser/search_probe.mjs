// Where the time of a cold type-ahead query goes (the breakdown in docs/benchmarks.md,
// ## Search): each query of the benchmark's set in a fresh page whose engine has loaded
// index.json only, with the page's fetch and Response.arrayBuffer wrapped to time when the
// script sends a request and gets its body, and Chromium's resource timing for the request
// itself. Prints the median of each phase.
// Usage: node tests/browser/search_probe.mjs <built-site>   (scripts/bench-search.sh runs it)
import { resolve } from 'node:path';
import { launch } from './chromium.mjs';
import { serve } from './search_serve.mjs';
import { QUERIES } from './search_bench_queries.mjs';

const site = resolve(process.argv[2]);
const server = await serve(site, { gzip: true });
const context = await launch();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const phases = { toFetch: [], toRequest: [], request: [], toScript: [], toDone: [], total: [] };
try {
  for (const query of QUERIES) {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#almanac-quick-find-input');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/search/index.json')),
      page.focus('#almanac-quick-find-input'),
    ]);
    await page.waitForTimeout(50);
    const t = await page.evaluate(async (q) => {
      const sent = [];
      const bodies = [];
      const fetch = window.fetch.bind(window);
      window.fetch = (...args) => {
        sent.push(performance.now());
        return fetch(...args);
      };
      const arrayBuffer = Response.prototype.arrayBuffer;
      Response.prototype.arrayBuffer = async function () {
        const body = await arrayBuffer.call(this);
        bodies.push(performance.now());
        return body;
      };
      performance.clearResourceTimings();
      const input = document.querySelector('#almanac-quick-find-input');
      const box = document.querySelector('.almanac-qf');
      const done = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (box.dataset.almanacDone === q) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(box, { attributes: true });
      });
      const start = performance.now();
      input.value = q;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const end = await done;
      const requests = performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/'));
      return {
        start,
        end,
        sent: Math.min(...sent),
        requestStart: Math.min(...requests.map((e) => e.requestStart)),
        responseEnd: Math.max(...requests.map((e) => e.responseEnd)),
        body: Math.max(...bodies),
      };
    }, query);
    phases.toFetch.push(t.sent - t.start);
    phases.toRequest.push(t.requestStart - t.sent);
    phases.request.push(t.responseEnd - t.requestStart);
    phases.toScript.push(t.body - t.responseEnd);
    phases.toDone.push(t.end - t.body);
    phases.total.push(t.end - t.start);
    await page.close();
  }
  console.log(`cold type-ahead queries (${QUERIES.length}), median ms:`);
  console.log(`  input event to first fetch:        ${median(phases.toFetch).toFixed(1)}`);
  console.log(`  fetch to request start:            ${median(phases.toRequest).toFixed(1)}`);
  console.log(`  request (send to last byte):       ${median(phases.request).toFixed(1)}`);
  console.log(`  last byte to body in the script:   ${median(phases.toScript).toFixed(1)}`);
  console.log(`  body to results shown:             ${median(phases.toDone).toFixed(1)}`);
  console.log(`  whole query:                       ${median(phases.total).toFixed(1)}`);
} finally {
  await context.close();
  await server.close();
}
