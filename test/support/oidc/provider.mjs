// The test identity provider: a real `oidc-provider` (the certified Node implementation) in its own process, since
// it is ESM-only and jest cannot load it in-process. test/support/oidc/test-idp.ts starts it and drives it.
//
//   node test/support/oidc/provider.mjs --port <port> [--accounts <file.json>]
//
// Prints `ready <issuer URL>` on stdout once it listens; exits when its stdin closes (its test is gone). Each app
// under test registers its own client through dynamic client registration (POST /reg: its callback, back-channel
// logout URI...), since an app's URL is known only once it has a port, and one provider serves several apps.
//
// Interactions are ours (devInteractions off) and answer JSON (HTML to a browser), so a test drives them over HTTP
// like a browser submitting the login and consent forms:
//   GET  /interaction/:uid          → { uid, prompt, missing_scopes } (an HTML form for a browser)
//   POST /interaction/:uid/login    (form: account=<sub>)  → 303 back to the provider
//   POST /interaction/:uid/consent                          → 303 back to the provider
// A control API under /__test (tests only; this process never runs outside tests):
//   PUT  /__test/accounts           [account...]   replaces the accounts (sub, email, email_verified, name,
//                                                  given_name, family_name, groups, trigramme)
//   POST /__test/fault              { fault }      the NEXT token response's ID token is altered:
//        'tampered-signature' (a byte of the signature changed), 'wrong-audience' (re-signed with the provider's own
//        key, aud another client), 'foreign-key' (re-signed with a key that is not in the JWKS, same kid),
//        'replayed' (an ID token issued earlier, so with an earlier nonce)
//   POST /__test/backchannel-logout { client_id, sub, sid? } the provider's own back-channel logout to the client
//        (Client#backchannelLogout: the code /session/end runs); answers { status } the app gave
//   POST /__test/logout-token  { client_id, claims, foreign_key? } a logout token signed with the provider's key (or a
//        foreign one), for tests of the back-channel endpoint with tokens the provider would never send
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URLSearchParams } from 'node:url';
import { parseArgs } from 'node:util';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, accounts: { type: 'string' } },
});
const port = Number(args.port);
const issuer = `http://127.0.0.1:${port}`;

/** @type {Map<string, Record<string, unknown>>} */
let accounts = new Map();
function setAccounts(list) {
  accounts = new Map(list.map((account) => [account.sub, account]));
}
setAccounts(args.accounts ? JSON.parse(readFileSync(args.accounts, 'utf8')) : []);

// The provider's signing key (the JWKS it publishes) and a foreign one with the same kid, never published.
const KID = 'test-idp-signing-key';
async function signingKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid: KID, alg: 'RS256', use: 'sig' };
}
const providerJwk = await signingKey();
const foreignJwk = await signingKey();

/** Every ID token issued, oldest first: the material of the 'replayed' fault. */
const issuedIdTokens = [];
/** The fault the next token response carries, then cleared. */
let nextFault = null;

const provider = new Provider(issuer, {
  jwks: { keys: [providerJwk] },
  pkce: { required: () => true },
  // Scope claims in the ID token too, as Keycloak and Entra ID put them (the strict default keeps them for userinfo).
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'groups', 'trigramme'],
  },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['test-idp-cookie-key'] },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { ...account, sub };
      },
    };
  },
  // Back-channel logout goes to the app on 127.0.0.1, which the provider's SSRF guard refuses: a test network.
  // Its 2.5 s timeout is also lifted: a loaded CI machine's app may take longer to answer.
  fetch: (url, options) => {
    delete options.dispatcher;
    return globalThis.fetch(url, { ...options, signal: globalThis.AbortSignal.timeout(15_000) });
  },
  async renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
});

// On stderr, which the test helper keeps for a failing test's message.
provider.on('backchannel.error', (_ctx, error) => process.stderr.write(`back-channel logout failed: ${error.message}\n`));
provider.on('server_error', (_ctx, error) => process.stderr.write(`server_error: ${error.stack}\n`));

function readBody(ctx) {
  return new Promise((resolve, reject) => {
    let body = '';
    ctx.req.setEncoding('utf8');
    ctx.req.on('data', (chunk) => (body += chunk));
    ctx.req.on('end', () => resolve(body));
    ctx.req.on('error', reject);
  });
}

async function readJson(ctx) {
  const text = await readBody(ctx);
  return text ? JSON.parse(text) : {};
}

function json(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'json';
  ctx.body = body;
}

async function resign(idToken, jwk, change) {
  const payload = jose.decodeJwt(idToken);
  const key = await jose.importJWK(jwk, 'RS256');
  return new jose.SignJWT(change(payload)).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' }).sign(key);
}

async function applyFault(fault, idToken) {
  switch (fault) {
    case 'tampered-signature': {
      const [header, payload, signature] = idToken.split('.');
      const middle = Math.floor(signature.length / 2);
      const flipped = signature[middle] === 'A' ? 'B' : 'A';
      return `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
    }
    case 'wrong-audience':
      return resign(idToken, providerJwk, (payload) => ({ ...payload, aud: 'another-client', azp: undefined }));
    case 'foreign-key':
      return resign(idToken, foreignJwk, (payload) => payload);
    case 'replayed': {
      const earlier = issuedIdTokens.at(-2);
      if (!earlier) throw new Error('no earlier ID token to replay');
      return earlier;
    }
    default:
      throw new Error(`unknown fault ${fault}`);
  }
}

// The token endpoint's answer, seen after the provider built it: record the ID token, then alter it when asked.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body || typeof ctx.body !== 'object' || !ctx.body.id_token) return;
  issuedIdTokens.push(ctx.body.id_token);
  if (!nextFault) return;
  const fault = nextFault;
  nextFault = null;
  ctx.body = { ...ctx.body, id_token: await applyFault(fault, ctx.body.id_token) };
});

const INTERACTION = /^\/interaction\/([\w-]+)(?:\/(login|consent))?$/;

provider.use(async (ctx, next) => {
  const interaction = INTERACTION.exec(ctx.path);
  if (interaction) return handleInteraction(ctx, interaction[2]);
  if (ctx.path.startsWith('/__test/')) return handleControl(ctx);
  return next();
});

async function handleInteraction(ctx, action) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  if (ctx.method === 'GET' && !action) {
    if (ctx.accepts('json', 'html') === 'html') return page(ctx, details.uid, prompt.name);
    return json(ctx, 200, { uid: details.uid, prompt: prompt.name, missing_scopes: prompt.details.missingOIDCScope ?? [] });
  }
  if (ctx.method !== 'POST') return json(ctx, 405, { error: 'method not allowed' });
  let result;
  if (action === 'login') {
    const form = new URLSearchParams(await readBody(ctx));
    const accountId = form.get('account');
    if (prompt.name !== 'login' || !accountId || !accounts.has(accountId)) {
      return json(ctx, 400, { error: `cannot log in as ${accountId} at prompt ${prompt.name}` });
    }
    result = { login: { accountId } };
  } else {
    if (prompt.name !== 'consent') return json(ctx, 400, { error: `no consent asked at prompt ${prompt.name}` });
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    result = { consent: { grantId: await grant.save() } };
  }
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

/** The same forms for a real browser (the Chromium pass): the person's account, then their consent. */
function page(ctx, uid, prompt) {
  const form =
    prompt === 'login'
      ? `<form method="post" action="/interaction/${uid}/login"><label>Account <input id="account" name="account"></label><button id="sign-in">Sign in</button></form>`
      : `<form method="post" action="/interaction/${uid}/consent"><p>Share your profile with the application?</p><button id="allow">Allow</button></form>`;
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html><html><head><title>Test IdP: ${prompt}</title></head><body>${form}</body></html>`;
}

async function handleControl(ctx) {
  const route = `${ctx.method} ${ctx.path}`;
  if (route === 'PUT /__test/accounts') {
    setAccounts(await readJson(ctx));
    return json(ctx, 200, { accounts: accounts.size });
  }
  if (route === 'POST /__test/fault') {
    const { fault } = await readJson(ctx);
    nextFault = fault ?? null;
    return json(ctx, 200, { fault: nextFault });
  }
  if (route === 'POST /__test/backchannel-logout') {
    const { client_id: clientId, sub, sid } = await readJson(ctx);
    const registered = await provider.Client.find(clientId);
    if (!registered) return json(ctx, 404, { error: `no client ${clientId}` });
    try {
      await registered.backchannelLogout(sub, sid);
      return json(ctx, 200, { status: 200 });
    } catch (error) {
      return json(ctx, 200, { status: error.response?.status ?? 0, error: error.message });
    }
  }
  if (route === 'POST /__test/logout-token') {
    const { client_id: clientId, claims, foreign_key: foreignKey } = await readJson(ctx);
    const key = await jose.importJWK(foreignKey ? foreignJwk : providerJwk, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const token = await new jose.SignJWT({
      iss: issuer,
      aud: clientId,
      iat: now,
      exp: now + 120,
      jti: randomUUID(),
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'logout+jwt' })
      .sign(key);
    return json(ctx, 200, { logout_token: token });
  }
  return json(ctx, 404, { error: `no control route ${route}` });
}

provider.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));

// The test that started it holds its stdin: when that process is gone (even killed), so is this one.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
