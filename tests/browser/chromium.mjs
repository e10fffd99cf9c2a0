// Launches Debian's Chromium through playwright-core with the flags these machines need
// (root, no sandbox, nothing reaching the network). Shared by the browser tests.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.ALMANAC_CHROMIUM || '/usr/bin/chromium';

// `extraArgs`: more Chromium flags (the search benchmark's HTTP/2 server on 127.0.0.1 uses a
// certificate made for the run, so it passes --ignore-certificate-errors).
export async function launch(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'almanac-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...extraArgs,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
