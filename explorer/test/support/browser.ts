// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { chromiumPath } from '@consortia/network';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Screenshots of every run land here (git-ignored); the README's picture is copied from it. */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'screenshots');

/** Why the browser tests cannot run here, or undefined when Chromium is installed. */
export function chromiumUnavailable(): string | undefined {
  try {
    fs.accessSync(chromiumPath(), fs.constants.X_OK);
    return undefined;
  } catch {
    return `Chromium is not installed at ${chromiumPath()} (\`consortia install chromium\`, or set CHROMIUM_PATH)`;
  }
}

/** Debian's Chromium, headless, as a root user in a container can run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** True when the page is wider than its viewport: a layout that does not fit a phone. */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  // a string, so it is evaluated in the page without DOM types in the tests' compilation
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1');
}
