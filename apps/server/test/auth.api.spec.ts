import request from 'supertest';

import { Api } from './support/api';
import { type LoginResponse, type User, expectError } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { decodeJwt, signJwt, unsignedJwt } from './support/jwt';
import { useServer } from './support/server';
import { connectOutcome, connectRuns } from './support/sockets';
import { allStoredRows } from './support/stored-rows';

// A known signing key lets the suite make a genuinely expired token (right key, past `exp`).
const SECRET = 'integration-test-signing-key-0123456789';

function expectUser(user: unknown, username: string, roles: string[]): User {
  const u = user as User;
  expect(u).toEqual({ id: expect.any(String), username, displayName: expect.any(String), roles: expect.any(Array) });
  expect([...u.roles].sort()).toEqual([...roles].sort());
  expect(u.id).not.toBe('');
  return u;
}

describeEachDatabase('authentication', (db) => {
  const server = useServer(db, { ONWARD_JWT_SECRET: SECRET });

  const login = (body: unknown): request.Test =>
    request(server.url)
      .post('/api/auth/login')
      .send(body as object);

  it('logs a demo user in with an access token and the user', async () => {
    const res = await login({ username: 'alice', password: 'alice' });
    expect(res.status).toBe(200);
    const body = res.body as LoginResponse;
    expect(typeof body.accessToken).toBe('string');
    expect(body.accessToken.length).toBeGreaterThan(10);
    expectUser(body.user, 'alice', ['user']);
  });

  it('gives bob the user role and admin both roles', async () => {
    const bob = await login({ username: 'bob', password: 'bob' });
    expect(bob.status).toBe(200);
    expectUser((bob.body as LoginResponse).user, 'bob', ['user']);
    const admin = await login({ username: 'admin', password: 'admin' });
    expect(admin.status).toBe(200);
    expectUser((admin.body as LoginResponse).user, 'admin', ['user', 'admin']);
  });

  it('answers 401 to a wrong password or an unknown user', async () => {
    expectError(await login({ username: 'alice', password: 'bob' }), 401);
    expectError(await login({ username: 'mallory', password: 'mallory' }), 401);
  });

  it('answers 400 to missing or wrongly typed fields', async () => {
    expectError(await login({}), 400);
    expectError(await login({ username: 'alice' }), 400);
    expectError(await login({ password: 'alice' }), 400);
    expectError(await login({ username: 42, password: true }), 400);
    expectError(await request(server.url).post('/api/auth/login'), 400);
  });

  it('GET /api/auth/me answers the logged-in user', async () => {
    const bob = await Api.as(server.url, 'bob');
    const res = await bob.get('/api/auth/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(bob.login?.user);
  });

  describe('every other /api route needs a valid bearer token', () => {
    const protectedRoutes: [string, (api: Api) => request.Test][] = [
      ['GET /api/auth/me', (api) => api.get('/api/auth/me')],
      ['GET /api/tasks', (api) => api.get('/api/tasks')],
      ['GET /api/runs', (api) => api.get('/api/runs')],
      ['GET /api/admin/runs', (api) => api.get('/api/admin/runs')],
      [
        'POST /api/runs',
        (api) =>
          api.post('/api/runs', { task: 'recalculate-prices', parameters: { category: 'Hardware', seconds: 0.5 } }),
      ],
    ];

    async function expect401WithHeader(header: string | null): Promise<void> {
      for (const [name, call] of protectedRoutes) {
        let test = call(Api.anonymous(server.url));
        if (header !== null) test = test.set('Authorization', header);
        const res = await test;
        try {
          expectError(res, 401);
        } catch (error) {
          throw new Error(`${name} with Authorization ${JSON.stringify(header)}: ${(error as Error).message}`);
        }
      }
    }

    async function realToken(): Promise<string> {
      return (await Api.as(server.url, 'alice')).token as string;
    }

    it('401 without an Authorization header', async () => {
      await expect401WithHeader(null);
    });

    it('401 for malformed headers', async () => {
      const token = await realToken();
      await expect401WithHeader('Bearer');
      await expect401WithHeader('Bearer ');
      await expect401WithHeader('Bearer not-a-jwt');
      await expect401WithHeader('Bearer a.b.c');
      await expect401WithHeader(token); // no scheme
      await expect401WithHeader(`Basic ${Buffer.from('alice:alice').toString('base64')}`);
      await expect401WithHeader(`Bearer ${token.slice(0, -3)}`); // truncated signature
    });

    it('401 for a token signed with another key, or not signed at all', async () => {
      const { header, payload } = decodeJwt(await realToken());
      await expect401WithHeader(`Bearer ${signJwt(header, payload, 'some-other-key-that-is-long-enough')}`);
      await expect401WithHeader(`Bearer ${unsignedJwt(payload)}`);
    });

    it('401 for an expired token, while the same claims re-signed unexpired are accepted', async () => {
      const { header, payload } = decodeJwt(await realToken());
      const now = Math.floor(Date.now() / 1000);
      // Control: proves that re-signing works, so the 401 below is about expiry alone.
      const fresh = signJwt(header, { ...payload, iat: now - 10, exp: now + 3600 }, SECRET);
      const ok = await Api.anonymous(server.url).get('/api/auth/me').set('Authorization', `Bearer ${fresh}`);
      expect(ok.status).toBe(200);
      const expired = signJwt(header, { ...payload, iat: now - 7200, exp: now - 3600 }, SECRET);
      await expect401WithHeader(`Bearer ${expired}`);
    });

    it('the Socket.IO handshake refuses an expired or forged token with "unauthorized"', async () => {
      const { header, payload } = decodeJwt(await realToken());
      const now = Math.floor(Date.now() / 1000);
      const fresh = signJwt(header, { ...payload, iat: now - 10, exp: now + 3600 }, SECRET);
      (await connectRuns(server.url, fresh)).close(); // control: the same claims, unexpired, connect
      const expired = signJwt(header, { ...payload, iat: now - 7200, exp: now - 3600 }, SECRET);
      expect(await connectOutcome(server.url, expired)).toEqual({ connected: false, message: 'unauthorized' });
      const forged = signJwt(header, payload, 'some-other-key-that-is-long-enough');
      expect(await connectOutcome(server.url, forged)).toEqual({ connected: false, message: 'unauthorized' });
    });

    it('a request rejected for its token starts nothing', async () => {
      const alice = await Api.as(server.url, 'alice');
      const before = await alice.allRunIds();
      const { header, payload } = decodeJwt(alice.token as string);
      const forged = signJwt(header, payload, 'some-other-key-that-is-long-enough');
      const res = await Api.anonymous(server.url)
        .post('/api/runs', { task: 'recalculate-prices', parameters: { category: 'Hardware', seconds: 0.5 } })
        .set('Authorization', `Bearer ${forged}`);
      expectError(res, 401);
      expect(await alice.allRunIds()).toEqual(before);
    });
  });

  it('stores passwords hashed, never in clear', async () => {
    await Api.as(server.url, 'alice'); // the users exist
    const rows = await allStoredRows(server);
    const aliceRows = rows.filter((row) => Object.values(row).includes('alice'));
    expect(aliceRows.length).toBeGreaterThan(0);
    for (const row of aliceRows) {
      // The password equals the username, so a second 'alice' in the row would be the clear password.
      const clear = Object.entries(row)
        .filter(([, value]) => value === 'alice')
        .map(([key]) => key);
      expect(clear).toHaveLength(1);
    }
    const hashLike = aliceRows.some((row) =>
      Object.values(row).some((v) => typeof v === 'string' && (/scrypt|argon2/i.test(v) || v.length >= 40)),
    );
    expect(hashLike).toBe(true);
  });

  it('tells the login page the sign-in mode and the demo accounts, without a token', async () => {
    const res = await request(server.url).get('/api/auth/options');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ mode: 'local', demoUsers: ['alice', 'bob', 'admin'] });
  });

  describe('with ONWARD_DEMO_USERS=false', () => {
    const bare = useServer(db, { ONWARD_DEMO_USERS: 'false' });

    it('lists no demo accounts on the login page', async () => {
      expect((await request(bare.url).get('/api/auth/options')).body).toEqual({ mode: 'local', demoUsers: [] });
    });

    it('seeds no demo users', async () => {
      for (const username of ['alice', 'bob', 'admin']) {
        expectError(await request(bare.url).post('/api/auth/login').send({ username, password: username }), 401);
      }
    });
  });
});
