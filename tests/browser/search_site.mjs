// Browser test of search and the graph explorer on a built site (the demo library):
// type-ahead in the header, the search page (results, facets applied and cleared, URL state,
// reload of a deep link, typo tolerance), opening a result, expanding a graph node, the
// no-JavaScript fallback; at the site root and under a /catalog/ sub-path; no console errors.
// Usage: node tests/browser/search_site.mjs <built-site-dir>   (prints "ok ..." lines, exits 1
// on the first failure)
import { resolve } from 'node:path';
import { launch } from './chromium.mjs';
import { serve } from './search_serve.mjs';

const site = resolve(process.argv[2] || 'public');
const server = await serve(site);
const context = await launch();
const errors = [];
let failed = false;

function check(label, condition, detail = '') {
  if (condition) {
    console.log(`ok ${label}`);
  } else {
    console.error(`FAIL ${label}${detail ? `: ${detail}` : ''}`);
    failed = true;
  }
}

async function newPage() {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  return page;
}

const resultKinds = (page) =>
  page.$$eval('.almanac-result', (cards) => cards.map((card) => card.dataset.kind));
const resultTitles = (page) =>
  page.$$eval('.almanac-result-title a', (links) => links.map((a) => a.textContent));
// The search page marks the query string its results belong to once they are shown.
const settled = (page, query) =>
  page.waitForFunction(
    (want) => document.querySelector('.almanac-search')?.dataset.almanacDone === want,
    query,
    { timeout: 10000 },
  );

async function run(prefix) {
  const base = `${server.url}${prefix}`;
  const tag = prefix === '/' ? 'root' : prefix;
  const page = await newPage();

  // 1. Type-ahead on the home page.
  await page.goto(base);
  await page.click('#almanac-quick-find-input');
  await page.keyboard.type('sea surf');
  await page.waitForSelector('#almanac-quick-find-listbox:not([hidden]) .almanac-qf-option', {
    timeout: 10000,
  });
  const options = await page.$$eval('.almanac-qf-title', (titles) => titles.map((t) => t.textContent));
  check(`${tag}: type-ahead finds by prefix`, options[0]?.includes('Sea Surface Temperature'), JSON.stringify(options));

  // 1b. A one-word query is answered by its term shard alone: it carries the matches' cards,
  // so no per-document fragment is fetched.
  const cardPage = await newPage();
  await cardPage.goto(base);
  await cardPage.click('#almanac-quick-find-input');
  const mark = server.stats.requests.length;
  await cardPage.fill('#almanac-quick-find-input', 'temperature');
  await cardPage.waitForFunction(() => document.querySelector('.almanac-qf')?.dataset.almanacDone === 'temperature');
  const fetched = server.stats.requests.slice(mark).map((r) => r.path);
  const cards = await cardPage.$$eval('.almanac-qf-option a', (links) => links.map((a) => a.getAttribute('href')));
  check(
    `${tag}: a one-word query fetches its term shard and no fragment`,
    fetched.some((p) => p.startsWith('/search/terms/')) && !fetched.some((p) => p.startsWith('/search/docs/')),
    JSON.stringify(fetched),
  );
  check(`${tag}: its matches link to entity pages`, cards.length === 8 && cards.every((h) => /\/[a-z]+\/[^/]+\/$/.test(h)), JSON.stringify(cards));
  await cardPage.close();

  // 2. Enter opens the search page with the query in the URL.
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\/\?q=sea\+surf$/, { timeout: 10000 });
  await settled(page, '?q=sea+surf');
  let titles = await resultTitles(page);
  check(`${tag}: search page shows the results`, titles[0]?.includes('Sea Surface Temperature'), JSON.stringify(titles));
  check(
    `${tag}: search page keeps the query in its box`,
    (await page.inputValue('#almanac-search-input')) === 'sea surf',
  );
  check(`${tag}: the plain form is hidden`, await page.$eval('form.search-form', (f) => f.hidden));

  // 3. Stemming and typos.
  await page.fill('#almanac-search-input', 'temprature');
  await settled(page, '?q=temprature');
  titles = await resultTitles(page);
  check(`${tag}: a typo still finds temperature datasets`, titles.length >= 5 && titles.some((t) => /Temperature/.test(t)), JSON.stringify(titles));

  // 4. Facets: apply kind = paper, then clear.
  await page.fill('#almanac-search-input', 'ocean');
  await settled(page, '?q=ocean');
  const before = await resultKinds(page);
  check(`${tag}: "ocean" finds more than one kind`, new Set(before).size > 1, JSON.stringify(before));
  await page.check('fieldset[data-facet="kind"] input[value="paper"]');
  await settled(page, '?q=ocean&kind=paper');
  const papers = await resultKinds(page);
  check(`${tag}: the kind facet keeps only papers`, papers.length > 0 && papers.every((k) => k === 'paper'), JSON.stringify(papers));
  check(`${tag}: the facet is in the URL`, page.url().endsWith('search/?q=ocean&kind=paper'), page.url());
  const tagCounts = await page.$$eval('fieldset[data-facet="tag"] .almanac-search-count', (c) => c.length);
  check(`${tag}: tag facet values are counted`, tagCounts > 0);
  await page.click('.almanac-search-clear');
  await settled(page, '?q=ocean');
  check(`${tag}: clearing the filters restores the results`, (await resultKinds(page)).length === before.length);

  // Back returns to the filtered search.
  await page.goBack();
  await settled(page, '?q=ocean&kind=paper');
  check(`${tag}: back restores the facet`, (await resultKinds(page)).every((k) => k === 'paper'));

  // 5. A deep link reloads into the same state; a time range filter applies.
  await page.goto(`${base}search/?q=temperature&kind=dataset&from=1990&to=2000`);
  await settled(page, '?q=temperature&kind=dataset&from=1990&to=2000');
  const deep = await resultKinds(page);
  check(`${tag}: a deep link restores query and facets`, deep.length > 0 && deep.every((k) => k === 'dataset'), JSON.stringify(deep));
  check(
    `${tag}: the deep link's facet is checked`,
    await page.isChecked('fieldset[data-facet="kind"] input[value="dataset"]'),
  );
  check(`${tag}: the deep link's years are filled in`, (await page.inputValue('input[name="from"]')) === '1990');
  await page.reload();
  await settled(page, '?q=temperature&kind=dataset&from=1990&to=2000');
  check(`${tag}: reload gives the same results`, JSON.stringify(await resultKinds(page)) === JSON.stringify(deep));

  // 6. Open a result.
  const first = (await resultTitles(page))[0];
  await Promise.all([page.waitForNavigation(), page.click('.almanac-result-title a')]);
  check(`${tag}: a result opens its page`, (await page.textContent('h1'))?.trim() === first, `${first} vs ${page.url()}`);

  // 7. Graph explorer: expand a neighbour.
  await page.waitForSelector('.almanac-graph-node', { timeout: 10000 });
  const nodes = await page.$$eval('.almanac-graph-node', (n) => n.length);
  check(`${tag}: the graph shows the neighbourhood`, nodes >= 2, `${nodes} nodes`);
  // Expand unexpanded nodes until one brings new neighbours (some neighbours only link back).
  let after = nodes;
  let expanded = [];
  for (let attempt = 0; attempt < 6 && after === nodes; attempt++) {
    const target = await page.$eval('.almanac-graph-node[data-expanded="false"]', (n) => n.dataset.entity);
    await page.click(`.almanac-graph-node[data-entity="${target}"]`);
    await page.waitForSelector(`.almanac-graph-node[data-entity="${target}"][data-expanded="true"]`, { timeout: 10000 });
    expanded.push(target);
    after = await page.$$eval('.almanac-graph-node', (n) => n.length);
  }
  check(`${tag}: expanding a node adds its neighbours`, after > nodes, `${expanded.join(', ')}: ${nodes} -> ${after}`);
  check(`${tag}: the selected node links to its page`, (await page.$$('.almanac-graph-selection a')).length === 1);
  await page.close();
}

try {
  await run('/');
  await run('/catalog/');

  // Without JavaScript the search page is a plain page with a form and a pointer to the lists.
  const plain = await context.browser()?.newContext({ javaScriptEnabled: false });
  if (plain) {
    const page = await plain.newPage();
    await page.goto(`${server.url}/search/?q=ocean`);
    check('no-js: search page has its form', (await page.$$('form.search-form input[name="q"]')).length === 1);
    await plain.close();
  } else {
    console.log('skip no-js check: persistent context has no browser handle');
  }
  check('no console errors', errors.length === 0, errors.join('\n'));
} catch (error) {
  console.error(`FAIL ${error.stack || error}`);
  failed = true;
} finally {
  await context.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
