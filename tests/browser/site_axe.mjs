// axe-core accessibility checks of a built site in headless Chromium.
// Usage: node tests/browser/site_axe.mjs <site-dir> <page-path>...
// Prints one JSON line per page ({page, violations, app_violations}) and a summary; exits 1
// when a page has a violation, in the static markup or in what the front end mounts (listed
// apart, as app_violations).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch } from './chromium.mjs';
import { serve } from './site_server.mjs';

const [dir, ...paths] = process.argv.slice(2);
if (!dir || paths.length === 0) {
  console.error('usage: site_axe.mjs <site-dir> <page-path>...');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const server = await serve(dir);
const context = await launch();
let failed = 0;
let checked = 0;
let appPages = 0;
try {
  for (const path of paths) {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const response = await page.goto(server.base + path, { waitUntil: 'load' });
    // Give the front end a moment to mount, so its markup is checked too.
    await page.waitForTimeout(300);
    // Injected through the DevTools protocol: the pages' CSP (rightly) blocks inline scripts.
    await page.evaluate(axeSource);
    const { result, app } = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      });
      // Markup the WASM front end mounts (issue 7) is reported apart from the static pages'.
      const mounts = '#almanac-app, #almanac-graph, #almanac-search';
      const inApp = (node) => {
        const el = node.target.length === 1 ? document.querySelector(node.target[0]) : null;
        return Boolean(el && el.closest(mounts));
      };
      const pick = (keep) => r.violations
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.filter((n) => inApp(n) === keep).map((n) => n.target.join(' ')) }))
        .filter((v) => v.nodes.length)
        .map((v) => ({ ...v, nodes: v.nodes.slice(0, 3) }));
      return { result: pick(false), app: pick(true) };
    });
    checked += 1;
    const status = response ? response.status() : 0;
    const expected = path === '404-test/' ? 404 : 200;
    if (result.length || app.length || status !== expected || errors.length) failed += 1;
    if (app.length) appPages += 1;
    console.log(JSON.stringify({ page: path, status, violations: result, app_violations: app, errors }));
    await page.close();
  }
} finally {
  await context.close();
  await server.close();
}
console.log(JSON.stringify({ summary: { pages: checked, failed, app_pages_with_violations: appPages } }));
process.exit(failed ? 1 : 0);
