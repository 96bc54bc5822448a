// Browser tests of the demo in Debian's headless Chromium (never a downloaded browser).
// Playwright starts the release build of the demo itself, on the embedded dev IdP.
import { defineConfig } from '@playwright/test';

const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const DEMO = process.env.DEMO_URL ?? 'http://127.0.0.1:3000';
export const PEER_DEMO = 'http://127.0.0.1:3100';
export const PEER_IDP = 'http://127.0.0.1:3105';
export const DISABLED_DEMO = 'http://127.0.0.1:3200';
// Short tokens, idle (40 s) and absolute (50 s) limits with an early warning (36 s), a
// 4-second step-up window.
export const SESSION_DEMO = 'http://127.0.0.1:3300';
// Short tokens and no refresh flow.
export const NOREFRESH_DEMO = 'http://127.0.0.1:3400';
// Short tokens refreshed proactively by an active, visible tab.
export const PROACTIVE_DEMO = 'http://127.0.0.1:3500';

/** The release demo on `url`, with extra environment (none: the embedded dev IdP). */
const demo = (url, env = {}) => ({
  command: 'target/release/leptos_cognito_demo',
  cwd: '..',
  url: `${url}/`,
  timeout: 60_000,
  reuseExistingServer: false,
  stdout: 'ignore',
  stderr: 'pipe',
  env: { LEPTOS_SITE_ROOT: 'target/site', LEPTOS_SITE_ADDR: new URL(url).host, RUST_LOG: 'warn', NOTES_DATABASE_URL: 'sqlite::memory:', ...env },
});

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
    demo('http://127.0.0.1:3000'),
    // A third demo with authorization disabled: it must say so.
    demo(DISABLED_DEMO, { AWS_COGNITO_DISABLED: 'true' }),
    demo(SESSION_DEMO, {
      DEV_IDP_TOKEN_SECONDS: '8',
      AWS_COGNITO_SESSION_IDLE_SECONDS: '40',
      AWS_COGNITO_SESSION_WARNING_SECONDS: '36',
      AWS_COGNITO_SESSION_MAX_SECONDS: '50',
      DEMO_STEP_UP_SECONDS: '4',
    }),
    demo(NOREFRESH_DEMO, { DEV_IDP_TOKEN_SECONDS: '5', AWS_COGNITO_REFRESH_FLOW_ENABLED: 'false' }),
    demo(PROACTIVE_DEMO, { DEV_IDP_TOKEN_SECONDS: '6', AWS_COGNITO_PROACTIVE_REFRESH_SECONDS: '3' }),
    // panva oidc-provider shaped like Cognito, and a second demo configured for it.
    {
      command: 'node server.mjs',
      cwd: '../tests/peer-idp',
      url: `${PEER_IDP}/us-east-1_PeerPool/.well-known/jwks.json`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      env: {
        PEER_PORT: '3105',
        PEER_REDIRECT_URIS: `${PEER_DEMO}/auth/callback`,
        PEER_LOGOUT_URIS: `${PEER_DEMO}/`,
      },
    },
    demo(PEER_DEMO, {
      AWS_REGION: 'us-east-1',
      AWS_COGNITO_USER_POOL_ID: 'us-east-1_PeerPool',
      AWS_COGNITO_USER_POOL_CLIENT_ID: 'peer-confidential',
      AWS_COGNITO_USER_POOL_CLIENT_SECRET: 'peer-confidential-secret-0123456789',
      AWS_COGNITO_DOMAIN: PEER_IDP,
      AWS_COGNITO_ISSUER: `${PEER_IDP}/us-east-1_PeerPool`,
      AWS_COGNITO_REDIRECT_URL: `${PEER_DEMO}/auth/callback`,
      AWS_COGNITO_LOGOUT_URL: `${PEER_DEMO}/`,
      AWS_COGNITO_SCOPES: 'openid email profile',
      AWS_COGNITO_COOKIE_SECURE: 'false',
      AWS_COGNITO_REFRESH_FLOW_ENABLED: 'true',
      SECRET_KEY: 'playwright-peer-demo-secret-key-0123456789abcdef',
    }),
  ],
});
