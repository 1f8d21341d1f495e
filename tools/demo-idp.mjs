#!/usr/bin/env node
// A tiny identity provider for trying ONWARD_AUTH=jwt on one machine (npm run start:jwt-demo): it
// stands for the host application's own sign-in. Not for real use: anybody may have a token for any
// name, without a password. Loopback only.
//
//   GET  /.well-known/jwks.json    its public key (RS256, made at each start)
//   POST /token {"username":"ann"} → { access_token, token_type, expires_in }: a token for that user,
//                                    an Onward admin when the name is "admin"
//
// DEMO_IDP_PORT (3100; 0 = any free port), DEMO_IDP_TOKEN_SECONDS (300), DEMO_IDP_AUDIENCE (onward).
// The issuer is the address it listens on, printed at start: "Demo identity provider on http://…".
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.env.DEMO_IDP_PORT ?? 3100);
const tokenSeconds = Number(process.env.DEMO_IDP_TOKEN_SECONDS ?? 300);
const audience = process.env.DEMO_IDP_AUDIENCE ?? 'onward';
const kid = `demo-${randomUUID().slice(0, 8)}`;
const { privateKey, publicKey } = await generateKeyPair('RS256');
const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
let issuer = '';

/** Pages of this machine only (the monitor on any port) may call it from a browser. */
function allowedOrigin(origin) {
  if (!origin) return null;
  try {
    const { hostname, protocol } = new URL(origin);
    return protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname) ? origin : null;
  } catch {
    return null;
  }
}

function send(response, status, body, origin) {
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (origin) Object.assign(headers, { 'access-control-allow-origin': origin, vary: 'Origin' });
  response.writeHead(status, headers).end(body === null ? undefined : JSON.stringify(body));
}

function readJson(request) {
  return new Promise((resolve) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      raw += chunk;
      if (raw.length > 10_000) request.destroy();
    });
    request.on('end', () => {
      try {
        resolve(JSON.parse(raw));
      } catch {
        resolve(null);
      }
    });
  });
}

function displayName(username) {
  return username.charAt(0).toUpperCase() + username.slice(1);
}

const server = createServer(async (request, response) => {
  const origin = allowedOrigin(request.headers.origin);
  const path = (request.url ?? '').split('?', 1)[0];
  if (request.method === 'OPTIONS') {
    if (!origin) return send(response, 403, { error: 'origin not allowed' }, null);
    response
      .writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
        vary: 'Origin',
      })
      .end();
    return;
  }
  if (request.method === 'GET' && path === '/.well-known/jwks.json') {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end(jwks);
    return;
  }
  if (request.method === 'POST' && path === '/token') {
    const body = await readJson(request);
    const username = typeof body?.username === 'string' ? body.username.trim() : '';
    if (!/^[A-Za-z0-9_.-]{1,50}$/.test(username)) {
      return send(response, 400, { error: 'username: 1–50 letters, digits, _ . -' }, origin);
    }
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      name: displayName(username),
      preferred_username: username,
      roles: username === 'admin' ? ['onward-admin'] : [],
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(`demo|${username}`)
      .setIssuedAt(now)
      .setExpirationTime(now + tokenSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
    return send(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: tokenSeconds }, origin);
  }
  send(response, 404, { error: 'not found' }, origin);
});

server.listen(port, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  console.log(`Demo identity provider on ${issuer} (tokens for ${tokenSeconds} s, audience ${audience})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
