import request from 'supertest';

import { Api, recalc } from './support/api';
import { type RunPage, type User, expectError } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { AUDIENCE, ISSUER, JwksServer, hostToken, jwtEnv, shiftableDateNow, signingKey } from './support/host-idp';
import { decodeJwt, signJwt, unsignedJwt } from './support/jwt';
import { type TestServer, bootServer } from './support/server';
import { connectOutcome, connectRuns } from './support/sockets';
import { allStoredRows } from './support/stored-rows';

// "The host application's identity (ONWARD_AUTH=jwt): Onward keeps no passwords and trusts the
// host's access tokens, verified with ONWARD_JWT_JWKS_URL … or ONWARD_JWT_PUBLIC_KEY …"

const me = (server: TestServer, token: string): request.Test =>
  request(server.url).get('/api/auth/me').set('Authorization', `Bearer ${token}`);

/** A token whose payload was changed after signing (the signature is the original's). */
function tampered(token: string, change: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  const { payload } = decodeJwt(token);
  return `${header}.${Buffer.from(JSON.stringify({ ...payload, ...change })).toString('base64url')}.${signature}`;
}

async function storedUser(server: TestServer, id: string): Promise<Record<string, unknown> | undefined> {
  return (await allStoredRows(server)).find((row) => row['__table'] === 'users' && row['id'] === id);
}

describeEachDatabase('host identity with a JWKS (ONWARD_AUTH=jwt)', (db) => {
  const rsa = signingKey('rsa-1', 'RS256');
  const ec = signingKey('ec-1', 'ES256');
  const stranger = signingKey('stranger', 'RS256');
  const jwks = new JwksServer([rsa, ec]);
  let server: TestServer;

  beforeAll(async () => {
    await jwks.start();
    server = await bootServer(db, jwtEnv(jwks.url));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await jwks.stop();
  }, 60_000);

  it('accepts RS256 and ES256 tokens, stores the user at first sight with no password, and runs belong to sub', async () => {
    const claims = { sub: 'host|carol', name: 'Carol Cruz', preferred_username: 'carol', roles: ['staff'] };
    for (const key of [rsa, ec]) {
      const res = await me(server, await hostToken({ key, claims }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: 'host|carol', username: 'carol', displayName: 'Carol Cruz', roles: ['user'] });
    }
    const stored = await storedUser(server, 'host|carol');
    expect(stored).toMatchObject({ username: 'carol', display_name: 'Carol Cruz', password_hash: null });

    const carol = new Api(server.url, await hostToken({ key: ec, claims }));
    const run = await carol.startRun(recalc(0.5));
    expect(run.owner).toEqual({ id: 'host|carol', username: 'carol' });
    expect((await carol.waitFinished(run.id)).status).toBe('completed');
    expect((await carol.list()).items.map((r) => r.id)).toContain(run.id);
  });

  it('keeps ids longer than a UUID (up to 255 characters) as the owner of runs', async () => {
    const sub = `${'long-subject-'.repeat(19)}end`;
    expect(sub.length).toBeGreaterThan(200);
    const api = new Api(server.url, await hostToken({ key: rsa, claims: { sub, preferred_username: 'longsub' } }));
    const run = await api.startRun(recalc(0.5));
    expect(run.owner.id).toBe(sub);
    expect((await api.getRun(run.id)).owner.id).toBe(sub);
    // Without a name claim the username is the display name.
    expect((await api.get('/api/auth/me')).body).toEqual({
      id: sub,
      username: 'longsub',
      displayName: 'longsub',
      roles: ['user'],
    });
    await api.waitFinished(run.id);
  });

  it('falls back to the id as username, makes a clashing username unique, and refreshes changed names and roles', async () => {
    const bare = await me(server, await hostToken({ key: rsa, claims: { sub: 'only-a-sub' } }));
    expect(bare.body).toEqual({ id: 'only-a-sub', username: 'only-a-sub', displayName: 'only-a-sub', roles: ['user'] });

    const first = await me(
      server,
      await hostToken({ key: rsa, claims: { sub: 'dana-1', preferred_username: 'dana' } }),
    );
    const second = await me(
      server,
      await hostToken({ key: rsa, claims: { sub: 'dana-2', preferred_username: 'dana' } }),
    );
    expect((first.body as User).username).toBe('dana');
    expect((second.body as User).username).toBe('dana#2');
    // The second Dana keeps her username on her next token.
    const again = await me(server, await hostToken({ key: ec, claims: { sub: 'dana-2', preferred_username: 'dana' } }));
    expect((again.body as User).username).toBe('dana#2');

    const promoted = await me(
      server,
      await hostToken({
        key: rsa,
        claims: { sub: 'dana-1', preferred_username: 'dana', name: 'Dana Dee', roles: ['onward-admin'] },
      }),
    );
    expect(promoted.body).toEqual({
      id: 'dana-1',
      username: 'dana',
      displayName: 'Dana Dee',
      roles: ['user', 'admin'],
    });
    expect(await storedUser(server, 'dana-1')).toMatchObject({ display_name: 'Dana Dee' });
    const demoted = await me(
      server,
      await hostToken({ key: rsa, claims: { sub: 'dana-1', preferred_username: 'dana' } }),
    );
    expect((demoted.body as User).roles).toEqual(['user']);
  });

  it('opens the admin routes to the admin role claim only', async () => {
    const admin = new Api(
      server.url,
      await hostToken({ key: rsa, claims: { sub: 'erin', roles: ['x', 'onward-admin'] } }),
    );
    const user = new Api(server.url, await hostToken({ key: rsa, claims: { sub: 'frank', roles: ['onward-user'] } }));
    const noArray = new Api(server.url, await hostToken({ key: rsa, claims: { sub: 'gina', roles: 'onward-admin' } }));
    const page = await admin.get('/api/admin/runs');
    expect(page.status).toBe(200);
    expect((page.body as RunPage).items.map((r) => r.owner.id)).toContain('host|carol');
    expectError(await user.get('/api/admin/runs'), 403);
    // The contract's roles claim is an array; a string naming the role does not count.
    expectError(await noArray.get('/api/admin/runs'), 403);
  });

  it.each([
    ['expired', async () => hostToken({ key: rsa, claims: { sub: 'x' }, expiresIn: -60 })],
    ['a wrong issuer', async () => hostToken({ key: rsa, claims: { sub: 'x', iss: 'https://evil.test/' } })],
    ['a wrong audience', async () => hostToken({ key: rsa, claims: { sub: 'x', aud: 'another-app' } })],
    ['no expiry', async () => hostToken({ key: rsa, claims: { sub: 'x', exp: undefined } })],
    ['alg none', async () => unsignedJwt({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: Date.now() / 1000 + 300 })],
    [
      'HS256 signed with the public key',
      async () =>
        signJwt(
          { alg: 'HS256', kid: rsa.kid, typ: 'JWT' },
          { sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 },
          rsa.publicPem,
        ),
    ],
    ['a tampered payload', async () => tampered(await hostToken({ key: rsa, claims: { sub: 'x' } }), { sub: 'y' })],
    ['an unknown kid', async () => hostToken({ key: stranger, claims: { sub: 'x' } })],
    ['a known kid on a stranger key', async () => hostToken({ key: stranger, claims: { sub: 'x' }, kid: rsa.kid })],
    ['no id claim', async () => hostToken({ key: rsa, claims: { preferred_username: 'nobody' } })],
  ])('answers 401 to a token with %s, on HTTP and Socket.IO', async (_, make) => {
    const token = await make();
    expectError(await me(server, token), 401);
    expectError(await new Api(server.url, token).post('/api/runs', recalc(0.5)), 401);
    expect(await connectOutcome(server.url, token)).toEqual({ connected: false, message: 'unauthorized' });
  });

  it('stored only the users of valid tokens', async () => {
    const ids = (await allStoredRows(server)).filter((row) => row['__table'] === 'users').map((row) => row['id']);
    expect(ids).toContain('host|carol');
    for (const refused of ['x', 'y', 'nobody']) expect(ids).not.toContain(refused);
    expect(ids).toHaveLength(new Set(ids).size);
  });

  it('answers 404 to the password login and tells the login page the mode', async () => {
    expectError(await request(server.url).post('/api/auth/login').send({ username: 'admin', password: 'admin' }), 404);
    expectError(await request(server.url).post('/api/auth/login').send({}), 404);
    const options = await request(server.url).get('/api/auth/options');
    expect(options.body).toEqual({ mode: 'jwt', demoUsers: [] });
    // No demo users in this mode.
    const users = (await allStoredRows(server)).filter((row) => row['__table'] === 'users');
    expect(users.map((u) => u['username'])).not.toContain('alice');
  });

  it('disconnects a socket when its token expires (io server disconnect), not before', async () => {
    const token = await hostToken({
      key: ec,
      claims: { sub: 'host|carol', preferred_username: 'carol' },
      expiresIn: 6,
    });
    const expiresAt = (decodeJwt(token).payload['exp'] as number) * 1000;
    const socket = await connectRuns(server.url, token);
    const api = new Api(server.url, await hostToken({ key: ec, claims: { sub: 'host|carol' } }));
    const run = await api.startRun(recalc(0.5));
    await socket.waitForRun(run.id, (r) => r.status === 'completed');
    const reason = await new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    socket.close();
  });

  // Last: it moves Date.now() past the minute of cooldown, twice.
  it('fetches a new kid after rotation once, and an unknown kid at most once a minute', async () => {
    const clock = shiftableDateNow();
    try {
      const rotated = signingKey('rsa-2', 'RS256');
      jwks.keys = [rotated, ec];
      clock.advance(61_000);
      let fetched = jwks.requests;
      const token = await hostToken({ key: rotated, claims: { sub: 'host|carol', preferred_username: 'carol' } });
      expect((await me(server, token)).status).toBe(200);
      expect(jwks.requests).toBe(fetched + 1);
      // Known now: further tokens of the new key (not yet cached) fetch nothing.
      const another = await hostToken({ key: rotated, claims: { sub: 'frank' } });
      expect((await me(server, another)).status).toBe(200);
      expect(jwks.requests).toBe(fetched + 1);
      // The retired key is gone from the set: its fresh tokens are refused.
      expectError(await me(server, await hostToken({ key: rsa, claims: { sub: 'x' } })), 401);

      // An unknown kid within the minute after a fetch: no fetch at all.
      fetched = jwks.requests;
      for (let i = 0; i < 5; i++) {
        expectError(await me(server, await hostToken({ key: stranger, claims: { sub: `x${i}` } })), 401);
      }
      expect(jwks.requests).toBe(fetched);

      // A minute later: a burst of unknown kids, at once and one after another, fetches once.
      clock.advance(61_000);
      const burst = await Promise.all(
        Array.from({ length: 5 }, async (_, i) =>
          me(server, await hostToken({ key: stranger, claims: { sub: `y${i}` } })),
        ),
      );
      for (const res of burst) expectError(res, 401);
      for (let i = 0; i < 5; i++) {
        expectError(await me(server, await hostToken({ key: stranger, claims: { sub: `z${i}` } })), 401);
      }
      expect(jwks.requests).toBe(fetched + 1);
    } finally {
      clock.restore();
    }
  });
});

describeEachDatabase('host identity with a PEM key and other claim names (ONWARD_AUTH=jwt)', (db) => {
  const key = signingKey('pem', 'ES256');
  const other = signingKey('other', 'ES256');
  let server: TestServer;

  beforeAll(async () => {
    server = await bootServer(db, {
      ONWARD_AUTH: 'jwt',
      ONWARD_JWT_PUBLIC_KEY: key.publicPem,
      ONWARD_JWT_ISSUER: ISSUER,
      ONWARD_JWT_AUDIENCE: AUDIENCE,
      ONWARD_JWT_ADMIN_ROLE: 'boss',
      ONWARD_JWT_ID_CLAIM: 'uid',
      ONWARD_JWT_NAME_CLAIM: 'full_name',
      ONWARD_JWT_USERNAME_CLAIM: 'login',
      ONWARD_JWT_ROLES_CLAIM: 'realm_access.roles',
    });
  }, 60_000);
  afterAll(() => server?.close(), 60_000);

  it('verifies with the PEM key, whatever the kid, and maps the configured claims', async () => {
    const claims = {
      sub: 'ignored',
      uid: 'u-42',
      login: 'hank',
      full_name: 'Hank Hill',
      realm_access: { roles: ['boss'] },
    };
    const token = await hostToken({ key, claims, kid: null });
    const res = await me(server, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'u-42', username: 'hank', displayName: 'Hank Hill', roles: ['user', 'admin'] });
    expect((await new Api(server.url, token).get('/api/admin/runs')).status).toBe(200);

    const plain = await hostToken({ key, claims: { uid: 'u-43', login: 'ivy', roles: ['boss'] }, kid: 'any' });
    expect((await me(server, plain)).body).toEqual({
      id: 'u-43',
      username: 'ivy',
      displayName: 'ivy',
      roles: ['user'],
    });
    expectError(await new Api(server.url, plain).get('/api/admin/runs'), 403);
  });

  it('refuses a token of another key, one without the configured id claim, and an RS256 token', async () => {
    expectError(await me(server, await hostToken({ key: other, claims: { uid: 'u-44' } })), 401);
    expectError(await me(server, await hostToken({ key, claims: { sub: 'u-45' } })), 401);
    const rsa = signingKey('rsa', 'RS256');
    expectError(await me(server, await hostToken({ key: rsa, claims: { uid: 'u-46' } })), 401);
  });
});

describe('local tokens on sockets (ONWARD_AUTH=local)', () => {
  const SECRET = 'host-identity-test-signing-key-0123456789';
  let server: TestServer;

  beforeAll(async () => {
    server = await bootServer('sqlite', { ONWARD_JWT_SECRET: SECRET });
  }, 60_000);
  afterAll(() => server?.close(), 60_000);

  it('disconnects a socket when its token expires', async () => {
    const alice = await Api.as(server.url, 'alice');
    const { payload } = decodeJwt(alice.token ?? '');
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...payload, exp }, SECRET);
    const socket = await connectRuns(server.url, shortLived);
    const reason = await new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    socket.close();
  });
});

describe('host identity with an unreachable key set (ONWARD_AUTH=jwt)', () => {
  const key = signingKey('rsa-1', 'RS256');
  let server: TestServer;

  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    server = await bootServer('sqlite', jwtEnv('http://127.0.0.1:9/.well-known/jwks.json'));
  }, 60_000);
  afterAll(() => server?.close(), 60_000);

  it('answers 401, not a server error, while the host keys cannot be fetched', async () => {
    for (let i = 0; i < 3; i++) {
      expectError(await me(server, await hostToken({ key, claims: { sub: 'ann' } })), 401);
    }
    expect((await request(server.url).get('/health')).status).toBe(200);
  });
});
