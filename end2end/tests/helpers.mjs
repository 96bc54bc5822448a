// Shared steps of the browser tests.
import { expect } from '@playwright/test';

export const DEMO = process.env.DEMO_URL ?? 'http://127.0.0.1:3000';

/** Collects console errors and warnings (hydration problems show up there). */
export function watchConsole(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

/** Signs in through the IdP's hosted login page and lands on `returnTo`. */
export async function signIn(page, username, password, returnTo = '/profile', base = DEMO) {
  await page.goto(`${base}/auth/login?return_to=${encodeURIComponent(returnTo)}`);
  await expect(page.locator('input[name="username"]')).toBeVisible();
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  const target = new URL(returnTo, base);
  await Promise.all([
    page.waitForURL((url) => url.host === target.host && url.pathname === target.pathname),
    page.click('button[type="submit"]'),
  ]);
}

/** Waits until the WebAssembly has hydrated the page (the router then intercepts clicks). */
export async function waitForHydration(page) {
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm')));
  await page.waitForLoadState('networkidle');
}
