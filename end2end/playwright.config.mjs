// Browser tests of the demo in Debian's headless Chromium (never a downloaded browser).
// Playwright starts the release build of the demo itself, on the embedded dev IdP.
import { defineConfig } from '@playwright/test';

const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const DEMO = process.env.DEMO_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    baseURL: DEMO,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    trace: 'off',
  },
  webServer: process.env.DEMO_URL ? undefined : [
    {
      command: 'target/release/leptos_cognito_demo',
      cwd: '..',
      url: 'http://127.0.0.1:3000/',
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        LEPTOS_SITE_ROOT: 'target/site',
        LEPTOS_SITE_ADDR: '127.0.0.1:3000',
        RUST_LOG: 'warn',
      },
    },
  ],
});
