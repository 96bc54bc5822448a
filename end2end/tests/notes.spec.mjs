// Each user's notes in a real browser: create, list, delete without a reload; bob sees none of
// alice's; the page hydrates without console errors.
import { test, expect } from '@playwright/test';
import { signIn, watchConsole, waitForHydration } from './helpers.mjs';

test('alice adds and deletes notes without a reload; bob sees none of them', async ({ browser }) => {
  const alice = await browser.newPage();
  const problems = watchConsole(alice);
  await signIn(alice, 'alice', 'alice-password', '/notes');
  await expect(alice.getByTestId('notes')).toBeVisible();
  await waitForHydration(alice);
  const marker = `note ${Date.now()}`;
  let reloads = 0;
  alice.on('framenavigated', (f) => { if (f === alice.mainFrame()) reloads += 1; });

  await alice.getByTestId('note-text').fill(`${marker} one`);
  await expect(alice.getByTestId('note-counter')).toHaveText(`${marker.length + 4} / 2000`);
  await alice.getByTestId('note-add').click();
  await expect(alice.getByTestId('note').filter({ hasText: `${marker} one` })).toHaveCount(1);
  await expect(alice.getByTestId('note-text')).toHaveValue('');
  await alice.getByTestId('note-text').fill(`${marker} two`);
  await alice.getByTestId('note-add').click();
  await expect(alice.getByTestId('note').filter({ hasText: marker })).toHaveCount(2);

  // Too long: the form says so inline and will not submit.
  await alice.getByTestId('note-text').evaluate((el) => el.removeAttribute('maxlength'));
  await alice.getByTestId('note-text').fill('x'.repeat(2001));
  await expect(alice.getByTestId('note-problem')).toContainText('at most 2000');
  await expect(alice.getByTestId('note-add')).toBeDisabled();
  await alice.getByTestId('note-text').fill('');

  // Delete one.
  await alice.getByTestId('note').filter({ hasText: `${marker} one` }).getByTestId('note-delete').click();
  await expect(alice.getByTestId('note').filter({ hasText: marker })).toHaveCount(1);
  expect(reloads).toBe(0);

  // Still there after a full reload (stored on the server), rendered by the server.
  const res = await alice.goto('/notes');
  expect(res.headers()['cache-control']).toBe('private, no-store');
  expect(await res.text()).toContain(`${marker} two`);
  await waitForHydration(alice);
  expect(problems).toEqual([]);

  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  const bobProblems = watchConsole(bob);
  await signIn(bob, 'bob', 'bob-password', '/notes');
  await expect(bob.getByTestId('notes')).toBeVisible();
  await expect(bob.getByText(marker)).toHaveCount(0);
  await waitForHydration(bob);
  expect(bobProblems).toEqual([]);
  await bobContext.close();
});

test('the notes page sends signed-out visitors to sign in', async ({ page }) => {
  await page.goto('/notes');
  await expect(page.locator('input[name="username"]')).toBeVisible();
});
