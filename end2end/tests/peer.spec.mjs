// Sign-in and sign-out through an IdP we did not write: panva oidc-provider shaped like
// Cognito (tests/peer-idp), in front of a second demo instance configured for it.
import { test, expect } from '@playwright/test';
import { signIn, watchConsole, waitForHydration } from './helpers.mjs';

const PEER_DEMO = 'http://127.0.0.1:3100';

test.skip(!!process.env.DEMO_URL, 'the peer demo runs only when Playwright starts the servers');

test('alice signs in through oidc-provider, sees her profile, and signs out', async ({ page, context }) => {
  const problems = watchConsole(page);
  await signIn(page, 'alice', 'alice-password', '/profile', PEER_DEMO);
  await expect(page.getByTestId('username')).toHaveText('alice');
  await expect(page.getByTestId('groups')).toHaveText('admins');
  await waitForHydration(page);
  await Promise.all([
    page.waitForURL((url) => url.host === new URL(PEER_DEMO).host && url.pathname === '/'),
    page.locator('#site-header').getByRole('button', { name: 'Sign out' }).click(),
  ]);
  await expect(page.locator('#site-header').getByRole('link', { name: 'Sign in' })).toBeVisible();
  const left = (await context.cookies(PEER_DEMO)).map((c) => c.name).filter((n) => n.startsWith('cognito_'));
  expect(left).toEqual([]);
  expect(problems).toEqual([]);
});

test('bob gets 403 on /admin with the peer IdP too', async ({ page }) => {
  await signIn(page, 'bob', 'bob-password', '/profile', PEER_DEMO);
  const res = await page.goto(`${PEER_DEMO}/admin`);
  expect(res.status()).toBe(403);
  await expect(page.getByTestId('forbidden')).toBeVisible();
});
