/**
 * Debian's Chromium driven by playwright-core, as the browser tests use it: where it is, how it
 * starts (headless, offline, a fresh profile per launch), and the check that a page asks for
 * nothing outside the hub.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasBrowser = fs.existsSync(CHROMIUM);
/** Why a browser test is skipped, and what to do about it. */
export const NO_BROWSER = `no Chromium at ${CHROMIUM}: install it with apt-get install chromium fonts-noto-cjk`;

/** Headless Chromium with nothing of its own on the network (no updates, sync or QUIC probes). */
export function launchChromium(): Promise<Browser> {
  // launch() gives every run a fresh temporary profile (user-data-dir) and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}

/**
 * A page of its own context (Chinese locale, the given viewport) that adds to `outside` every URL
 * it requests that is not on `origin` (data: and blob: stay in the page).
 */
export async function openPage(
  browser: Browser,
  origin: string,
  outside: string[],
  viewport: { width: number; height: number },
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
  });
  return page;
}
