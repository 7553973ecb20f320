// A real Chromium logged in to the console of a server under test (the e2e-*-console tests), with the page's
// uncaught errors collected and a temporary folder for the screenshots the tests print the paths of.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface ConsoleBrowser {
  readonly browser: Browser;
  readonly page: Page;
  /** The server's URL by name (localhost), as the console's cookies and CSP expect. */
  readonly base: string;
  /** Uncaught errors of the page so far: a test ends by asserting there were none. */
  readonly pageErrors: string[];
  /** Where screenshots go (a fresh temporary folder). */
  readonly screenshotDir: string;
  /** Saves a full-page screenshot named `<name>.png`; answers its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Opens the console at `serverUrl` and logs in as admin; confirm() dialogs are accepted. */
export async function openConsole(serverUrl: string, password: string): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 1000 }, acceptDownloads: true })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
    const base = serverUrl.replace('127.0.0.1', 'localhost');
    await page.goto(`${base}/`);
    await page.getByLabel('Name').fill('admin');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    const screenshotDir = mkdtempSync(join(tmpdir(), 'opentps-console-'));
    return {
      browser,
      page,
      base,
      pageErrors,
      screenshotDir,
      screenshot: async (name) => {
        const path = join(screenshotDir, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
