// AWS_COGNITO_DISABLED fails loud: the demo shows it on every page, and the admin data says
// that no user was checked (rather than pretending an anonymous visitor is somebody).
import { test, expect } from '@playwright/test';
import { watchConsole, waitForHydration } from './helpers.mjs';

const DISABLED_DEMO = 'http://127.0.0.1:3200';

test.skip(!!process.env.DEMO_URL, 'the disabled demo runs only when Playwright starts the servers');

test('disabled mode is visible and the admin page is open without a user', async ({ page }) => {
  const problems = watchConsole(page);
  const res = await page.goto(`${DISABLED_DEMO}/`);
  expect(res.status()).toBe(200);
  await expect(page.getByTestId('auth-disabled')).toBeVisible();
  await expect(page.getByTestId('auth-disabled')).toContainText('AWS_COGNITO_DISABLED');
  const admin = await page.goto(`${DISABLED_DEMO}/admin`);
  expect(admin.status()).toBe(200);
  await expect(page.getByTestId('admin-viewer')).toHaveText('(authorization disabled)');
  await waitForHydration(page);
  await expect(page.getByTestId('auth-disabled')).toBeVisible();
  expect(problems).toEqual([]);
});

test('the normal demo shows no such banner', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#site-header')).toBeVisible();
  await expect(page.getByTestId('auth-disabled')).toHaveCount(0);
});
