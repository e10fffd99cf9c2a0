// Loads every page of a built site in headless Chromium and reports whether any script or
// event handler from content ran. Content payloads set window.__almanacXss or call alert().
// Runs twice: with the pages' Content-Security-Policy and with it bypassed, so escaping and
// sanitizing are tested on their own too.
// Usage: node tests/browser/site_xss.mjs <site-dir> <page-path>...
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM } from './chromium.mjs';
import { serve } from './site_server.mjs';

const [dir, ...paths] = process.argv.slice(2);
if (!dir || paths.length === 0) {
  console.error('usage: site_xss.mjs <site-dir> <page-path>...');
  process.exit(2);
}
const server = await serve(dir);
let executed = 0;
let pages = 0;
try {
  // ALMANAC_XSS_BYPASS_ONLY=1 loads each page once, with the policy bypassed: whatever runs under
  // the policy runs without it too, so that pass alone finds every payload (hostile.rs uses it
  // for its many pages). ALMANAC_XSS_SETTLE_MS is how long a page may run after the events.
  const modes = process.env.ALMANAC_XSS_BYPASS_ONLY ? [true] : [false, true];
  const settle = Number(process.env.ALMANAC_XSS_SETTLE_MS ?? 100);
  for (const bypassCSP of modes) {
    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'almanac-xss-')), {
      executablePath: CHROMIUM,
      headless: true,
      bypassCSP,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      for (const path of paths) {
        const page = await context.newPage();
        const dialogs = [];
        page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
        await page.goto(server.base + path, { waitUntil: 'load' });
        // Hover and focus everything, so mouse and focus handlers would fire too.
        await page.evaluate(() => {
          for (const el of document.querySelectorAll('*')) {
            for (const type of ['mouseover', 'focus', 'click']) {
              if (type === 'click' && el.tagName === 'A') continue;
              el.dispatchEvent(new Event(type, { bubbles: false }));
            }
          }
        });
        await page.waitForTimeout(settle);
        const flag = await page.evaluate(() => window.__almanacXss === undefined ? null : String(window.__almanacXss));
        const javascriptLinks = await page.evaluate(() => [...document.querySelectorAll('[href],[src]')]
          .map((e) => e.getAttribute('href') || e.getAttribute('src'))
          .filter((u) => /^\s*(javascript|data|vbscript):/i.test(u || '')).length);
        pages += 1;
        const bad = flag !== null || dialogs.length > 0 || javascriptLinks > 0;
        if (bad) executed += 1;
        console.log(JSON.stringify({ page: path, bypassCSP, flag, dialogs, javascriptLinks }));
        await page.close();
      }
    } finally {
      await context.close();
    }
  }
} finally {
  await server.close();
}
console.log(JSON.stringify({ summary: { pages, executed } }));
process.exit(executed ? 1 : 0);
