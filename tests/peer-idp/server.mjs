// An identity provider we did not write: panva's oidc-provider (OpenID-certified), shaped to
// look like Amazon Cognito's hosted UI, for leptos_cognito's interoperability tests.
//
//   node server.mjs            (listens on 127.0.0.1, port PEER_PORT or a free one)
//
// Prints one JSON line on stdout when ready: {"url": "...", "issuer": "...", ...}.
// Environment:
//   PEER_PORT           port (default 0: a free one)
//   PEER_POOL_ID        user pool id (default us-east-1_PeerPool)
//   PEER_REDIRECT_URIS  comma-separated callback URLs registered on both clients
//   PEER_LOGOUT_URIS    comma-separated sign-out URLs registered on both clients
//   PEER_TOKEN_TTL      lifetime of access and ID tokens in seconds (default 3600)
//
// Cognito profile: hosted-UI paths (/oauth2/authorize, /oauth2/token, /oauth2/revoke,
// /oauth2/userInfo, /logout?client_id&logout_uri, /{pool}/.well-known/jwks.json), issuer
// http://127.0.0.1:<port>/<pool>, a password form (inputs `username`, `password`), the seed
// users alice/alice-password (group admins) and bob/bob-password, Cognito-shaped claims
// (`token_use`, `cognito:username`, `cognito:groups`, `client_id`, `scope`, `username` in JWT
// access tokens), refresh tokens without `offline_access`, PKCE S256 required, one
// confidential client (`peer-confidential`, HTTP Basic) and one public client (`peer-public`).
//
// Known, unavoidable differences from Cognito (the Rust tests account for them):
// - JWT access tokens carry an `aud` (the resource indicator `urn:cognito:userpool`);
// - a `scope` including `openid` must be requested (Cognito grants all scopes without one);
// - refresh tokens are opaque strings of ~43 characters, not ~1.7 KB JWEs.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const POOL = process.env.PEER_POOL_ID ?? 'us-east-1_PeerPool';
const REDIRECTS = (process.env.PEER_REDIRECT_URIS ?? 'http://127.0.0.1:3000/auth/callback').split(',').filter(Boolean);
const LOGOUTS = (process.env.PEER_LOGOUT_URIS ?? 'http://127.0.0.1:3000/').split(',').filter(Boolean);
const RESOURCE = 'urn:cognito:userpool';
const TOKEN_TTL = Number(process.env.PEER_TOKEN_TTL ?? 3600);
const CONFIDENTIAL_SECRET = 'peer-confidential-secret-0123456789';

const USERS = [
  { username: 'alice', password: 'alice-password', sub: '0b5c7e1a-4f7d-4c55-9d83-6a1b3b0f6a11', groups: ['admins'] },
  { username: 'bob', password: 'bob-password', sub: '5e2f7c90-1d3b-4a8e-b6c4-2f9d8e7a6b55', groups: [] },
].map((u) => ({ ...u, email: `${u.username}@example.com` }));
const bySub = new Map(USERS.map((u) => [u.sub, u]));

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(32).toString('base64'), alg: 'RS256', use: 'sig' };
}

const server = createServer();
await new Promise((resolve) => server.listen(Number(process.env.PEER_PORT ?? 0), '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const issuer = `${base}/${POOL}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'peer-confidential',
      client_secret: CONFIDENTIAL_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: REDIRECTS,
      post_logout_redirect_uris: LOGOUTS,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    {
      client_id: 'peer-public',
      token_endpoint_auth_method: 'none',
      redirect_uris: REDIRECTS,
      post_logout_redirect_uris: LOGOUTS,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [signingKey()] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  routes: {
    authorization: '/oauth2/authorize',
    token: '/oauth2/token',
    revocation: '/oauth2/revoke',
    userinfo: '/oauth2/userInfo',
    jwks: `/${POOL}/.well-known/jwks.json`,
    end_session: '/oidc/session/end',
  },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', 'token_use', 'cognito:username', 'cognito:groups'],
    email: ['email', 'email_verified'],
    profile: ['cognito:username'],
  },
  scopes: ['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin'],
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'aws.cognito.signin.user.admin openid email profile',
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: false,
  ttl: { AccessToken: TOKEN_TTL, IdToken: TOKEN_TTL, AuthorizationCode: 300, RefreshToken: 30 * 86400, Session: 3600, Interaction: 600, Grant: 30 * 86400 },
  async findAccount(ctx, sub) {
    const user = bySub.get(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        const c = { sub, token_use: 'id', 'cognito:username': user.username, email: user.email, email_verified: true };
        if (user.groups.length) c['cognito:groups'] = user.groups;
        return c;
      },
    };
  },
  async extraTokenClaims(ctx, token) {
    if (token.kind !== 'AccessToken') return undefined;
    const user = bySub.get(token.accountId);
    const claims = { token_use: 'access', username: user?.username };
    if (user?.groups.length) claims['cognito:groups'] = user.groups;
    return claims;
  },
  async loadExistingGrant(ctx) {
    // Like Cognito: no consent screen; everything requested is granted.
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile phone');
    grant.addOIDCClaims(['sub', 'token_use', 'cognito:username', 'cognito:groups', 'email', 'email_verified']);
    grant.addResourceScope(RESOURCE, 'aws.cognito.signin.user.admin openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Error</title><link rel="icon" href="data:,"></head><body><h1>${escape(out.error)}</h1><p>${escape(out.error_description ?? '')}</p></body></html>`;
  },
});
provider.proxy = false;

function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function loginPage(uid, error) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in · peer IdP</title><link rel="icon" href="data:,"></head>
<body style="font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh">
<form method="post" action="/interaction/${escape(uid)}/login" style="width:18rem">
<h1>Sign in (oidc-provider)</h1>${error ? `<p role="alert" style="color:#b00">${escape(error)}</p>` : ''}
<label>Username <input type="text" name="username" autofocus required></label><br>
<label>Password <input type="password" name="password" required></label><br>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, base);
  try {
    // Cognito's /logout?client_id=…&logout_uri=… (oidc-provider's end_session has another shape).
    if (url.pathname === '/logout' && req.method === 'GET') {
      const client = await provider.Client.find(url.searchParams.get('client_id') ?? '');
      const target = url.searchParams.get('logout_uri');
      if (!client) return send(res, 400, '<h1>invalid_request</h1><p>Unknown or missing client_id.</p>');
      if (!target || !client.postLogoutRedirectUris.includes(target)) {
        return send(res, 400, "<h1>invalid_request</h1><p>Required String parameter 'redirect_uri' is not present</p>");
      }
      return send(res, 302, '', { location: target });
    }
    const m = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (m) {
      const details = await provider.interactionDetails(req, res);
      if (m[2] && req.method === 'POST') {
        const form = await readForm(req);
        const user = USERS.find((u) => u.username === form.get('username') && u.password === form.get('password'));
        if (!user) return send(res, 401, loginPage(details.uid, 'Incorrect username or password.'));
        return await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      }
      if (details.prompt.name === 'login') return send(res, 200, loginPage(details.uid));
      // Consent is implicit (loadExistingGrant); finish any other prompt.
      return await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    }
    return callback(req, res);
  } catch (err) {
    if (!res.headersSent) send(res, 400, `<h1>error</h1><p>${escape(err.message)}</p>`);
  }
});

console.log(JSON.stringify({
  url: base,
  issuer,
  pool_id: POOL,
  jwks_url: `${issuer}/.well-known/jwks.json`,
  clients: { confidential: { client_id: 'peer-confidential', client_secret: CONFIDENTIAL_SECRET }, public: { client_id: 'peer-public' } },
}));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
// With PEER_EXIT_ON_STDIN_END=1, exit when the parent (a test process) goes away.
if (process.env.PEER_EXIT_ON_STDIN_END === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
