// Screenshots of the demo's signed-in pages for the README (not part of `make test`):
//   target/release/leptos_cognito_demo & node end2end/screenshots.mjs
import { chromium } from '@playwright/test';

const base = process.env.DEMO_URL ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
await page.goto(`${base}/auth/login?return_to=%2Fnotes`);
await page.fill('input[name="username"]', 'alice');
await page.fill('input[name="password"]', 'alice-password');
await Promise.all([page.waitForURL(/\/notes$/), page.click('button[type="submit"]')]);
await page.waitForLoadState('networkidle');
for (const text of ['Quarterly plan: ship the replicas demo', 'Call the Cognito admin about rotation']) {
  await page.getByTestId('note-text').fill(text);
  await page.getByTestId('note-add').click();
  await page.getByTestId('note').filter({ hasText: text }).waitFor();
}
await page.screenshot({ path: 'docs/screenshots/notes.png' });
await page.goto(`${base}/profile`);
await page.waitForLoadState('networkidle');
await page.screenshot({ path: 'docs/screenshots/profile.png' });
await page.goto(`${base}/admin`);
await page.getByTestId('admin-panel').waitFor();
await page.waitForLoadState('networkidle');
await page.screenshot({ path: 'docs/screenshots/admin.png', fullPage: true });
await browser.close();
