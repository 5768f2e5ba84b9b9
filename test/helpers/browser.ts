import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (scripts/test-peers.mjs installs it); playwright-core drives it, it downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';

/**
 * A real headless Chromium for page tests. As root Chromium refuses to start without
 * --no-sandbox; the rest keeps it from reaching out to the network on its own.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
