// The session over its life in real Chromium: tabs in sync, long-lived pages, the expiry
// banner, step-up with prompt=login, and the identity-provider button.
import { test, expect } from '@playwright/test';
import { signIn, watchConsole, waitForHydration } from './helpers.mjs';
import { SESSION_DEMO, NOREFRESH_DEMO, PROACTIVE_DEMO } from '../playwright.config.mjs';

/** Marks the page's document, to prove later that it was not reloaded. */
const mark = (page) => page.evaluate(() => { window.__sameDocument = true; });
const sameDocument = (page) => page.evaluate(() => window.__sameDocument === true);

test('two tabs: signing out in one signs out the other, signing in signs it in, without reloads', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  const problems = [...[a, b].map(watchConsole)];
  await signIn(a, 'alice', 'alice-password', '/profile');
  await b.goto('/');
  await waitForHydration(b);
  await expect(b.getByTestId('signed-in-as')).toContainText('alice');
  await mark(b);

  // Sign out in tab A: tab B shows the signed-out state within ~2 s, same document.
  await waitForHydration(a);
  await Promise.all([a.waitForURL((u) => u.pathname === '/'), a.getByRole('button', { name: 'Sign out' }).click()]);
  await expect(b.getByTestId('signed-in-as')).toHaveCount(0, { timeout: 2500 });
  await expect(b.locator('header').getByRole('link', { name: 'Sign in' })).toBeVisible();
  expect(await sameDocument(b)).toBe(true);

  // Sign in again in tab A: tab B follows.
  await signIn(a, 'alice', 'alice-password', '/profile');
  await expect(b.getByTestId('signed-in-as')).toContainText('alice', { timeout: 2500 });
  expect(await sameDocument(b)).toBe(true);
  expect(problems.flat()).toEqual([]);
});

test('a tab on a protected page shows the sign-in link when another tab signs out', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await signIn(a, 'alice', 'alice-password', '/profile');
  await b.goto('/profile');
  await waitForHydration(b);
  await expect(b.getByTestId('username')).toHaveText('alice');
  await mark(b);
  await waitForHydration(a);
  await a.getByRole('button', { name: 'Sign out' }).click();
  // The profile disappears; the page stays (no navigation by itself) and offers sign-in.
  await expect(b.locator('.cognito-redirect')).toBeVisible({ timeout: 2500 });
  await expect(b.getByTestId('username')).toHaveCount(0);
  expect(await sameDocument(b)).toBe(true);
  expect(new URL(b.url()).pathname).toBe('/profile');
});

test('a page kept open past the token lifetime: its next server call refreshes and succeeds', async ({ page, context }) => {
  const problems = watchConsole(page);
  await signIn(page, 'alice', 'alice-password', '/notes', SESSION_DEMO);
  await waitForHydration(page);
  await mark(page);
  const token = async () => (await context.cookies(SESSION_DEMO)).find((c) => c.name === 'cognito_access_token')?.value;
  const before = await token();
  await page.waitForTimeout(9_000); // tokens live 8 s on this demo
  const text = `kept open ${Date.now()}`;
  await page.getByTestId('note-text').fill(text);
  await page.getByTestId('note-add').click();
  await expect(page.getByTestId('note-list')).toContainText(text);
  expect(await token()).not.toBe(before); // refreshed on the way
  expect(await sameDocument(page)).toBe(true);
  expect(problems).toEqual([]);
});

test('without the refresh flow, an expired page\'s server call gets 401 and <Protected> sends it to sign-in', async ({ page }) => {
  await signIn(page, 'alice', 'alice-password', '/notes', NOREFRESH_DEMO);
  await waitForHydration(page);
  // Keep the tab from re-reading the session on its own, so the server call is what finds out.
  await page.route('**/auth/session', (route) => route.abort());
  await page.waitForTimeout(6_000); // tokens live 5 s
  const answers = [];
  page.on('response', (r) => { if (r.url().includes('/api/create_note')) answers.push(r.status()); });
  await page.getByTestId('note-text').fill('too late');
  await Promise.all([
    page.waitForRequest((r) => r.url().startsWith(`${NOREFRESH_DEMO}/auth/login`)),
    page.getByTestId('note-add').click(),
  ]);
  expect(answers).toEqual([401]);
  // The IdP session signs the user straight back in, onto the same page.
  await page.waitForURL((u) => u.origin === NOREFRESH_DEMO && u.pathname === '/notes');
  await expect(page.getByTestId('notes')).toBeVisible();
});

test('without the refresh flow, an open page shows the end of the session when the token expires', async ({ page }) => {
  await signIn(page, 'alice', 'alice-password', '/profile', NOREFRESH_DEMO);
  await waitForHydration(page);
  await mark(page);
  await expect(page.getByTestId('username')).toHaveText('alice');
  await expect(page.locator('.cognito-redirect')).toBeVisible({ timeout: 9_000 });
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  expect(await sameDocument(page)).toBe(true);
});

test('the expiry banner warns before the idle limit and "Stay signed in" extends the session', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, 'bob', 'bob-password', '/profile', SESSION_DEMO);
  await waitForHydration(page);
  // Idle limit 40 s, warning 36 s before: the banner comes once the last use is ~4 s old.
  const banner = page.getByTestId('session-banner');
  await expect(banner).toBeVisible({ timeout: 12_000 });
  await expect(page.getByTestId('session-left')).toHaveText(/^0:3\d$/);
  // The last use is then at least 4 s old (a tenth of the limit): extending moves it.
  await page.getByTestId('session-extend').click();
  await expect(banner).toBeHidden({ timeout: 3_000 });
  await expect(page.getByTestId('username')).toHaveText('bob');
  expect(problems).toEqual([]);
});

test('step-up: a stale sign-in goes through the IdP again with prompt=login and comes back', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, 'alice', 'alice-password', '/account', SESSION_DEMO);
  await waitForHydration(page);
  await expect(page.getByTestId('account')).toBeVisible();
  // The window is 4 s: the page then asks to confirm (without leaving by itself).
  await expect(page.locator('.cognito-redirect')).toContainText('sign in again', { timeout: 8_000 });
  await expect(page.getByTestId('account')).toHaveCount(0);
  const link = page.locator('.cognito-redirect a');
  expect(await link.getAttribute('href')).toContain('prompt=login');
  await link.click();
  // The IdP has a session, yet prompt=login makes it ask for the password.
  await expect(page.locator('input[name="password"]')).toBeVisible();
  await page.fill('input[name="username"]', 'alice');
  await page.fill('input[name="password"]', 'alice-password');
  await Promise.all([
    page.waitForURL((u) => u.origin === SESSION_DEMO && u.pathname === '/account'),
    page.click('button[type="submit"]'),
  ]);
  await expect(page.getByTestId('account')).toBeVisible();
  await expect(page.getByTestId('auth-age')).toHaveText(/^[0-3] s ago$/);
  expect(problems).toEqual([]);
});

test('a direct visit of a step-up page with a stale sign-in is redirected to prompt=login', async ({ page }) => {
  await signIn(page, 'alice', 'alice-password', '/profile', SESSION_DEMO);
  await page.waitForTimeout(5_000);
  const res = await page.request.get(`${SESSION_DEMO}/account`, { maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect(res.headers().location).toBe('/auth/login?return_to=%2Faccount&prompt=login');
});

test('the second identity-provider button signs in through the stand-in federated provider', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  const button = page.getByRole('link', { name: 'Sign in with DevCorp' });
  expect(await button.getAttribute('href')).toContain('identity_provider=DevCorp');
  await button.click();
  await expect(page.getByRole('heading', { name: 'Sign in with DevCorp' })).toBeVisible();
  await page.fill('input[name="username"]', 'bob');
  await page.fill('input[name="password"]', 'bob-password');
  await Promise.all([page.waitForURL((u) => u.pathname === '/profile'), page.click('button[type="submit"]')]);
  await expect(page.getByTestId('username')).toHaveText('bob');
});

test('proactive refresh: an active visible tab refreshes before expiry, an unattended one does not', async ({ page }) => {
  const problems = watchConsole(page);
  const extends_ = [];
  page.on('response', (r) => { if (r.url().endsWith('/auth/extend')) extends_.push(r.status()); });
  await signIn(page, 'alice', 'alice-password', '/profile', PROACTIVE_DEMO);
  await waitForHydration(page);
  const before = await page.getByTestId('expires').textContent();
  // Tokens live 6 s, the lead is 3 s. Nobody touched the page: no refresh.
  await page.waitForTimeout(4_000);
  expect(extends_).toEqual([]);
  // A click: the tab refreshes at its next tick.
  await page.mouse.click(5, 5);
  await expect.poll(() => extends_.length, { timeout: 3_000 }).toBe(1);
  expect(extends_).toEqual([200]);
  await expect(page.getByTestId('expires')).not.toHaveText(before);
  // No key or pointer since: no second refresh, however long the tab stays open.
  await page.waitForTimeout(5_000);
  expect(extends_.length).toBe(1);
  // The user is back: the next one comes.
  await page.mouse.click(5, 5);
  await expect.poll(() => extends_.length, { timeout: 3_000 }).toBe(2);
  expect(problems).toEqual([]);
});

test('a page whose server render shows the expiry banner hydrates into the same markup', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, 'bob', 'bob-password', '/profile', SESSION_DEMO);
  // 15 s after sign-in the absolute limit (50 s) is within the warning (36 s): the server
  // renders the banner, and offers a new sign-in (extending cannot move that limit).
  await page.waitForTimeout(15_000);
  let ssr = '';
  page.on('response', async (r) => {
    if (r.request().resourceType() === 'document' && r.url().endsWith('/profile')) ssr = await r.text();
  });
  await page.goto(`${SESSION_DEMO}/profile`);
  await waitForHydration(page);
  await expect(page.getByTestId('session-banner')).toBeVisible();
  expect(ssr).toContain('data-testid="session-banner"');
  await expect(page.getByTestId('session-banner').getByRole('link', { name: 'Sign in again' })).toBeVisible();
  await expect(page.getByTestId('session-extend')).toHaveCount(0);
  const ssrBanner = await page.evaluate((html) => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    return doc.querySelector('[data-testid="session-banner"]').outerHTML;
  }, ssr);
  const live = await page.getByTestId('session-banner').evaluate((el) => el.outerHTML);
  // The countdown ticks after hydration: compare without the digits.
  const shape = (h) => h.replace(/<!--[\s\S]*?-->/g, '').replace(/\d/g, '#').replace(/\s+/g, ' ').trim();
  expect(shape(live)).toBe(shape(ssrBanner));
  expect(problems).toEqual([]);
});

test('where BroadcastChannel is missing, tabs sync through storage events', async ({ context }) => {
  await context.addInitScript(() => { delete window.BroadcastChannel; });
  const a = await context.newPage();
  const b = await context.newPage();
  await signIn(a, 'alice', 'alice-password', '/profile');
  await b.goto('/');
  await waitForHydration(b);
  expect(await b.evaluate(() => typeof window.BroadcastChannel)).toBe('undefined');
  await expect(b.getByTestId('signed-in-as')).toContainText('alice');
  await mark(b);
  await waitForHydration(a);
  await a.getByRole('button', { name: 'Sign out' }).click();
  await expect(b.getByTestId('signed-in-as')).toHaveCount(0, { timeout: 2500 });
  expect(await sameDocument(b)).toBe(true);
  // Nothing but a random value is ever written: no token, no name.
  const stored = await b.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  expect(stored).not.toContain('alice');
  expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
});

test('step-up from a server function: reauthentication_required sends the page through prompt=login', async ({ page }) => {
  await signIn(page, 'alice', 'alice-password', '/account', SESSION_DEMO);
  await waitForHydration(page);
  // The browser's clock stands still, so only the server sees the sign-in grow old.
  await page.clock.install({ time: Date.now() });
  await page.clock.pauseAt(Date.now() + 500);
  await expect(page.getByTestId('account')).toBeVisible();
  await page.waitForTimeout(5_000); // the window is 4 s (real time, on the server)
  const answers = [];
  page.on('response', (r) => { if (r.url().includes('/api/recovery_codes')) answers.push(r.status()); });
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/login' || u.pathname.endsWith('/oauth2/authorize')),
    page.getByTestId('reveal-codes').click(),
  ]);
  expect(answers).toEqual([401]);
  await expect(page.locator('input[name="password"]')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('prompt')).toBe('login');
});
