// Sign-in, sign-out and group access in a real browser, against the demo on the dev IdP.
import { test, expect } from '@playwright/test';
import { DEMO, signIn, watchConsole, waitForHydration } from './helpers.mjs';

test('signed-out home offers sign-in and has no console errors', async ({ page }) => {
  const problems = watchConsole(page);
  const res = await page.goto('/');
  expect(res.status()).toBe(200);
  await expect(page.locator('#site-header').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await waitForHydration(page);
  expect(problems).toEqual([]);
});

test('alice signs in through the IdP page and sees her profile', async ({ page, context }) => {
  const problems = watchConsole(page);
  await signIn(page, 'alice', 'alice-password', '/profile');
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByTestId('username')).toHaveText('alice');
  await expect(page.getByTestId('email')).toHaveText('alice@example.com');
  await expect(page.getByTestId('groups')).toHaveText('admins');
  await expect(page.getByTestId('expires')).toContainText('UTC');
  await expect(page.getByTestId('signed-in-as')).toContainText('alice');
  const cookies = await context.cookies();
  const access = cookies.find((c) => c.name === 'cognito_access_token');
  expect(access?.httpOnly).toBe(true);
  // Tokens are never readable from JavaScript.
  expect(await page.evaluate(() => document.cookie)).not.toContain('cognito_');
  await waitForHydration(page);
  expect(problems).toEqual([]);
});

test('alice reaches the admin page with data from the guarded server function', async ({ page }) => {
  await signIn(page, 'alice', 'alice-password', '/admin');
  await expect(page.getByTestId('admin-panel')).toBeVisible();
  await expect(page.getByTestId('admin-viewer')).toHaveText('alice');
});

test('bob gets the 403 page on /admin, served with status 403', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, 'bob', 'bob-password', '/profile');
  const res = await page.goto('/admin');
  expect(res.status()).toBe(403);
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByTestId('admin-panel')).toHaveCount(0);
  await waitForHydration(page);
  expect(problems.filter((p) => !p.includes('403'))).toEqual([]);
});

test('a direct call of the admin server function by bob is refused with 403', async ({ page }) => {
  await signIn(page, 'bob', 'bob-password', '/profile');
  const res = await page.request.post('/api/admin_overview', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    data: '',
  });
  expect(res.status()).toBe(403);
  const anonymous = await page.request.post('/api/admin_overview', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: '' },
    data: '',
  });
  expect([401, 403]).toContain(anonymous.status());
});

test('signed-out visitors of /profile are sent to sign-in and come back', async ({ page }) => {
  const res = await page.goto('/profile');
  // Redirected to the IdP's login form.
  expect(res.url()).toContain('/oauth2/authorize');
  await page.fill('input[name="username"]', 'alice');
  await page.fill('input[name="password"]', 'alice-password');
  await Promise.all([page.waitForURL(/\/profile$/), page.click('button[type="submit"]')]);
  await expect(page.getByTestId('username')).toHaveText('alice');
});

test('sign-out returns to the signed-out home', async ({ page, context }) => {
  const problems = watchConsole(page);
  await signIn(page, 'alice', 'alice-password', '/profile');
  await waitForHydration(page);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/' && url.host === new URL(DEMO).host),
    page.locator('#site-header').getByRole('button', { name: 'Sign out' }).click(),
  ]);
  await expect(page.locator('#site-header').getByRole('link', { name: 'Sign in' })).toBeVisible();
  const names = (await context.cookies()).map((c) => c.name);
  expect(names.filter((n) => n.startsWith('cognito_'))).toEqual([]);
  const me = await page.request.get('/api/me');
  expect(me.status()).toBe(401);
  await waitForHydration(page);
  expect(problems).toEqual([]);
});
