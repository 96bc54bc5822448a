// The server-rendered signed-in UI equals the hydrated DOM, and hydration makes the page live.
import { test, expect } from '@playwright/test';
import { signIn, watchConsole, waitForHydration } from './helpers.mjs';

/** The element's markup without Leptos' hydration comment markers. */
const normalise = (html) => html.replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ' ').trim();

test('signed-in header: SSR HTML before hydration equals the hydrated DOM', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, 'alice', 'alice-password', '/profile');
  // The raw server response, with alice's cookies, before any script runs.
  const ssr = await (await page.request.get('/profile')).text();
  expect(ssr).toContain('data-testid="signed-in-as"');
  expect(ssr).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\./); // no token in the HTML or hydration data
  const ssrHeader = await page.evaluate((html) => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    return doc.querySelector('#site-header').outerHTML;
  }, ssr);
  await page.goto('/profile');
  await waitForHydration(page);
  const liveHeader = await page.locator('#site-header').evaluate((el) => el.outerHTML);
  expect(normalise(liveHeader)).toBe(normalise(ssrHeader));
  expect(normalise(liveHeader)).toContain('alice');
  expect(problems).toEqual([]);
});

test('after hydration, navigation is client-side (the page is interactive)', async ({ page }) => {
  await signIn(page, 'alice', 'alice-password', '/profile');
  await page.goto('/');
  await waitForHydration(page);
  const documents = [];
  page.on('request', (r) => { if (r.resourceType() === 'document') documents.push(r.url()); });
  await page.locator('nav').getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByTestId('username')).toHaveText('alice');
  expect(documents).toEqual([]);
});

test('refreshing the session updates the page without a reload', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, 'alice', 'alice-password', '/profile');
  await waitForHydration(page);
  const before = await page.getByTestId('expires').textContent();
  const documents = [];
  page.on('request', (r) => { if (r.resourceType() === 'document') documents.push(r.url()); });
  await page.waitForTimeout(1100);
  await page.getByTestId('refresh').click();
  await expect(page.getByTestId('expires')).not.toHaveText(before);
  expect(documents).toEqual([]);
  expect(problems).toEqual([]);
});

test('client-side navigation to a protected page while signed out goes to sign-in', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await Promise.all([
    page.waitForURL(/\/oauth2\/authorize|\/login/),
    page.locator('nav').getByRole('link', { name: 'Profile' }).click(),
  ]);
  await expect(page.locator('input[name="username"]')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('redirect_uri')).toContain('/auth/callback');
});
