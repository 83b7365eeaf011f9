import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH overrides it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where a failing browser test leaves its screenshots. */
export const BROWSER_OUTPUT = path.join(__dirname, '..', '..', 'test-output', 'browser');

/** A headless Chromium for the browser suites (root needs --no-sandbox). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
}

/**
 * Runs one step of a browser scenario; when it throws, saves a screenshot of
 * the page named after the step, then rethrows.
 */
export async function step<T>(page: Page, name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    mkdirSync(BROWSER_OUTPUT, { recursive: true });
    const file = path.join(BROWSER_OUTPUT, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw error;
  }
}
