import { request as httpRequest } from 'node:http';
import request from 'supertest';

import { Api, pollUntil, recalc } from './support/api';
import { type LoginResponse, expectError, expectFieldError } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { type TestServer, bootServer, useServer } from './support/server';
import { connectRuns } from './support/sockets';

// Short enough that "within 60 s" (30 s by default) takes a fraction of a second here.
const ACCOUNT_CHECK_MS = '300';

interface AdminUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  disabled: boolean;
  createdAt: string;
}

const login = (url: string, username: string, password: string): request.Test =>
  request(url).post('/api/auth/login').send({ username, password });

async function loginAs(url: string, username: string, password: string): Promise<Api> {
  const res = await login(url, username, password);
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const body = res.body as LoginResponse;
  return new Api(url, body.accessToken, body);
}

/** POST /api/auth/login sent from another loopback address (the whole of 127.0.0.0/8 is this machine). */
function loginFrom(
  localAddress: string,
  url: string,
  username: string,
  password: string,
): Promise<{ status: number; headers: Record<string, string> }> {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/api/auth/login`,
      {
        method: 'POST',
        localAddress,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describeEachDatabase('user accounts', (db) => {
  const server = useServer(db, { ONWARD_ACCOUNT_CHECK_MS: ACCOUNT_CHECK_MS });
  let admin: Api;
  let alice: Api;
  let names = 0;
  /** A username no other test uses. */
  const fresh = (stem: string): string => `${stem}${++names}`;

  beforeAll(async () => {
    [admin, alice] = await Promise.all([Api.as(server.url, 'admin'), Api.as(server.url, 'alice')]);
  });

  async function createUser(username: string, roles: string[] = [], password = 'a-good-password'): Promise<AdminUser> {
    const res = await admin.post('/api/admin/users', { username, displayName: `The ${username}`, password, roles });
    expect(res.status).toBe(201);
    return res.body as AdminUser;
  }

  describe('the admin API', () => {
    it('is for admins only', async () => {
      expectError(await alice.get('/api/admin/users'), 403);
      expectError(
        await alice.post('/api/admin/users', { username: 'x1', displayName: 'X', password: 'password1', roles: [] }),
        403,
      );
      expectError(await alice.patch(`/api/admin/users/${alice.userId}`, { roles: ['admin'] }), 403);
      expectError(await Api.anonymous(server.url).get('/api/admin/users'), 401);
      // alice is still no admin.
      expect(((await alice.get('/api/auth/me')).body as { roles: string[] }).roles).toEqual(['user']);
    });

    it('lists the users by username', async () => {
      const res = await admin.get('/api/admin/users');
      expect(res.status).toBe(200);
      const users = res.body as AdminUser[];
      const usernames = users.map((u) => u.username);
      expect(usernames).toEqual([...usernames].sort());
      expect(usernames).toEqual(expect.arrayContaining(['admin', 'alice', 'bob']));
      expect(users.find((u) => u.username === 'alice')).toEqual({
        id: alice.userId,
        username: 'alice',
        displayName: expect.any(String),
        roles: ['user'],
        disabled: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('creates a user who can log in; a taken username answers 409', async () => {
      const username = fresh('carol');
      const created = await createUser(username, ['admin']);
      expect(created).toEqual({
        id: expect.any(String),
        username,
        displayName: `The ${username}`,
        roles: ['user', 'admin'],
        disabled: false,
        createdAt: expect.any(String),
      });
      const carol = await loginAs(server.url, username, 'a-good-password');
      expect(carol.login?.user).toEqual({
        id: created.id,
        username,
        displayName: `The ${username}`,
        roles: ['user', 'admin'],
      });
      expect((await carol.get('/api/admin/users')).status).toBe(200);
      // Demoted, her token (which still says admin) opens the admin routes no more.
      expect((await admin.patch(`/api/admin/users/${created.id}`, { roles: ['user'] })).status).toBe(200);
      expectError(await carol.get('/api/admin/users'), 403);
      expect((await carol.get('/api/auth/me')).body).toMatchObject({ roles: ['user'] });

      const before = (await admin.get('/api/admin/users')).body as AdminUser[];
      expectError(
        await admin.post('/api/admin/users', { username, displayName: 'Other', password: 'other-password', roles: [] }),
        409,
      );
      expect((await admin.get('/api/admin/users')).body).toEqual(before);
    });

    it('answers 400 with the field at fault', async () => {
      const good = { username: fresh('dave'), displayName: 'Dave', password: 'a-good-password', roles: ['user'] };
      expectFieldError(await admin.post('/api/admin/users', { ...good, username: 'has space' }), 'username');
      expectFieldError(await admin.post('/api/admin/users', { ...good, username: '' }), 'username');
      expectFieldError(await admin.post('/api/admin/users', { ...good, username: 'x'.repeat(101) }), 'username');
      expectFieldError(await admin.post('/api/admin/users', { ...good, password: 'short' }), 'password');
      expectFieldError(await admin.post('/api/admin/users', { ...good, roles: ['root'] }), 'roles');
      expectFieldError(await admin.post('/api/admin/users', { ...good, roles: 'admin' }), 'roles');
      expectFieldError(await admin.post('/api/admin/users', { ...good, extra: 1 }), 'extra');
      expectError(await login(server.url, good.username, good.password), 401); // nothing was created
    });

    it('edits a user; unknown ids answer 404, an empty body 400', async () => {
      const user = await createUser(fresh('erin'));
      const res = await admin.patch(`/api/admin/users/${user.id}`, { displayName: 'Erin Evans', roles: ['admin'] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...user, displayName: 'Erin Evans', roles: ['user', 'admin'] });
      expectError(await admin.patch('/api/admin/users/00000000-0000-4000-8000-000000000000', { disabled: true }), 404);
      expectError(await admin.patch('/api/admin/users/not-an-id', { disabled: true }), 404);
      expectError(await admin.patch(`/api/admin/users/${user.id}`, {}), 400);
      expectFieldError(await admin.patch(`/api/admin/users/${user.id}`, { disabled: 'yes' }), 'disabled');
      expectFieldError(await admin.patch(`/api/admin/users/${user.id}`, { password: 'short' }), 'password');
    });

    it('sets a password that ends the old one', async () => {
      const user = await createUser(fresh('frank'));
      const before = await loginAs(server.url, user.username, 'a-good-password');
      expect((await admin.patch(`/api/admin/users/${user.id}`, { password: 'another-password' })).status).toBe(200);
      expectError(await login(server.url, user.username, 'a-good-password'), 401);
      expect((await login(server.url, user.username, 'another-password')).status).toBe(200);
      expectError(await before.get('/api/auth/me'), 401);
    });

    it('refuses to disable or demote the last enabled admin', async () => {
      // Every other enabled admin is demoted first, so that `admin` is the last one.
      const users = (await admin.get('/api/admin/users')).body as AdminUser[];
      const others = users.filter((u) => u.roles.includes('admin') && !u.disabled && u.username !== 'admin');
      for (const other of others) {
        expect((await admin.patch(`/api/admin/users/${other.id}`, { roles: ['user'] })).status).toBe(200);
      }
      const me = admin.userId;
      expectError(await admin.patch(`/api/admin/users/${me}`, { disabled: true }), 409);
      expectError(await admin.patch(`/api/admin/users/${me}`, { roles: ['user'] }), 409);
      expectError(await admin.patch(`/api/admin/users/${me}`, { roles: [] }), 409);
      expect((await admin.get('/api/auth/me')).body).toMatchObject({ roles: ['user', 'admin'] });
      // With a second admin, the first may step down.
      const second = await createUser(fresh('grace'), ['admin']);
      const grace = await loginAs(server.url, second.username, 'a-good-password');
      expect((await admin.patch(`/api/admin/users/${me}`, { roles: ['user'] })).status).toBe(200);
      expectError(await grace.patch(`/api/admin/users/${second.id}`, { disabled: true }), 409);
      expect((await grace.patch(`/api/admin/users/${me}`, { roles: ['user', 'admin'] })).status).toBe(200);
    });
  });

  describe('a disabled user', () => {
    it('loses REST access at once, their socket within the check interval, and cannot log in', async () => {
      const user = await createUser(fresh('heidi'));
      const heidi = await loginAs(server.url, user.username, 'a-good-password');
      expect((await heidi.get('/api/runs')).status).toBe(200);
      const socket = await connectRuns(server.url, heidi.token as string);
      const aliceSocket = await connectRuns(server.url, alice.token as string);
      const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
      try {
        expect((await admin.patch(`/api/admin/users/${user.id}`, { disabled: true })).body).toMatchObject({
          disabled: true,
        });
        expectError(await heidi.get('/api/runs'), 401);
        expect(await disconnected).toBe('io server disconnect');
        expect(aliceSocket.socket.connected).toBe(true);
        expectError(await login(server.url, user.username, 'a-good-password'), 401);
        expect((await admin.get('/api/admin/users')).body).toContainEqual({ ...user, disabled: true });

        expect((await admin.patch(`/api/admin/users/${user.id}`, { disabled: false })).status).toBe(200);
        expect((await login(server.url, user.username, 'a-good-password')).status).toBe(200);
      } finally {
        socket.close();
        aliceSocket.close();
      }
    });

    it('loses access through another process sharing the installation within the check interval', async () => {
      const other: TestServer = await bootServer(
        db,
        { ONWARD_ACCOUNT_CHECK_MS: ACCOUNT_CHECK_MS },
        { shareWith: server },
      );
      try {
        const user = await createUser(fresh('ivan'));
        const onA = await loginAs(server.url, user.username, 'a-good-password');
        const onB = new Api(other.url, onA.token, onA.login);
        expect((await onB.get('/api/runs')).status).toBe(200); // B now remembers the account as enabled
        const socketOnB = await connectRuns(other.url, onA.token as string);
        const disconnected = new Promise<string>((resolve) => socketOnB.socket.once('disconnect', resolve));
        try {
          expect((await admin.patch(`/api/admin/users/${user.id}`, { disabled: true })).status).toBe(200);
          await pollUntil(
            () => onB.get('/api/runs'),
            (res) => res.status === 401,
            10_000,
            '401 on the other process',
          );
          expect(await disconnected).toBe('io server disconnect');
        } finally {
          socketOnB.close();
        }
      } finally {
        await other.close();
      }
    }, 60_000);
  });

  describe('a demoted admin', () => {
    it("stops receiving every user's runs on their socket", async () => {
      const lenaAccount = await createUser(fresh('lena'), ['admin']);
      const lena = await loginAs(server.url, lenaAccount.username, 'a-good-password');
      const lenaSocket = await connectRuns(server.url, lena.token as string);
      const adminSocket = await connectRuns(server.url, admin.token as string);
      // A disabled account's socket is dropped by the same periodic check that reads lena's roles.
      const sentinelAccount = await createUser(fresh('sentinel'));
      const sentinel = await loginAs(server.url, sentinelAccount.username, 'a-good-password');
      const sentinelSocket = await connectRuns(server.url, sentinel.token as string);
      const sentinelDropped = new Promise<string>((resolve) => sentinelSocket.socket.once('disconnect', resolve));
      try {
        lenaSocket.emit('subscribe.all');
        adminSocket.emit('subscribe.all');
        const bob = await Api.as(server.url, 'bob');
        const before = await bob.startRun(recalc(0.5));
        await lenaSocket.waitForRun(before.id, (r) => r.status === 'completed', 30_000); // control

        expect((await admin.patch(`/api/admin/users/${lenaAccount.id}`, { roles: ['user'] })).status).toBe(200);
        expect((await admin.patch(`/api/admin/users/${sentinelAccount.id}`, { disabled: true })).status).toBe(200);
        expect(await sentinelDropped).toBe('io server disconnect');

        const after = await bob.startRun(recalc(0.5));
        await adminSocket.waitForRun(after.id, (r) => r.status === 'completed', 30_000);
        expect(lenaSocket.updates((r) => r.id === after.id)).toEqual([]);
        expect(lenaSocket.socket.connected).toBe(true);
      } finally {
        lenaSocket.close();
        adminSocket.close();
        sentinelSocket.close();
      }
    }, 60_000);
  });

  describe('POST /api/auth/password', () => {
    it('changes the password, ends the other sessions (not this one) and the demo hint', async () => {
      const first = await Api.as(server.url, 'bob');
      const second = await Api.as(server.url, 'bob');
      expect((await request(server.url).get('/api/auth/options')).body).toMatchObject({
        demoUsers: expect.arrayContaining(['bob']),
      });
      expectFieldError(
        await first.post('/api/auth/password', { currentPassword: 'wrong', newPassword: 'a-new-password' }),
        'currentPassword',
      );
      expectFieldError(
        await first.post('/api/auth/password', { currentPassword: 'bob', newPassword: 'short' }),
        'newPassword',
      );
      expectError(await first.post('/api/auth/password', { newPassword: 'a-new-password' }), 400);
      expect((await login(server.url, 'bob', 'bob')).status).toBe(200); // nothing changed yet

      const socket = await connectRuns(server.url, second.token as string);
      const disconnected = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
      const res = await first.post('/api/auth/password', { currentPassword: 'bob', newPassword: 'a-new-password' });
      expect(res.status).toBe(204);
      try {
        expect(await disconnected).toBe('io server disconnect'); // a socket of an older token
      } finally {
        socket.close();
      }
      expectError(await login(server.url, 'bob', 'bob'), 401);
      const after = await loginAs(server.url, 'bob', 'a-new-password');
      expect((await after.get('/api/auth/me')).status).toBe(200);
      expectError(await second.get('/api/auth/me'), 401);
      expect((await first.get('/api/auth/me')).status).toBe(200); // the session that changed it goes on
      expect((await request(server.url).get('/api/auth/options')).body).toEqual({
        mode: 'local',
        demoUsers: expect.not.arrayContaining(['bob']),
      });
    });

    it('counts wrong current passwords as failed logins: a stolen token cannot guess the password', async () => {
      const user = await createUser(fresh('mallet'));
      const session = await loginAs(server.url, user.username, 'a-good-password');
      for (let i = 0; i < 5; i++) {
        expectFieldError(
          await session.post('/api/auth/password', { currentPassword: `guess-${i}`, newPassword: 'a-new-password' }),
          'currentPassword',
        );
      }
      const blocked = await session.post('/api/auth/password', {
        currentPassword: 'a-good-password',
        newPassword: 'a-new-password',
      });
      expectError(blocked, 429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expectError(await login(server.url, user.username, 'a-good-password'), 429);
    });

    it('needs a token', async () => {
      expectError(
        await request(server.url)
          .post('/api/auth/password')
          .send({ currentPassword: 'x', newPassword: 'y'.repeat(8) }),
        401,
      );
    });
  });

  describe('login throttling', () => {
    it('blocks a username from one address after five failures, whatever the password', async () => {
      const user = await createUser(fresh('judy'));
      // X-Forwarded-For is anyone's to write: without ONWARD_TRUST_PROXY it changes nothing.
      for (let i = 0; i < 5; i++) {
        expectError(
          await login(server.url, user.username, `wrong-${i}`).set('X-Forwarded-For', `198.51.100.${i}`),
          401,
        );
      }
      const blocked = await login(server.url, user.username, 'a-good-password');
      expectError(blocked, 429);
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // Another user from the same address, and the same user from another address, are not affected.
      expect((await login(server.url, 'alice', 'alice')).status).toBe(200);
      expect((await loginFrom('127.0.0.2', server.url, user.username, 'a-good-password')).status).toBe(200);
      expect((await loginFrom('127.0.0.1', server.url, user.username, 'a-good-password')).status).toBe(429);
    });

    // One process's memory is its own; Redis is what processes share.
    if (db === 'postgres+redis') {
      it('counts the failures of every process together on Redis', async () => {
        const other = await bootServer(db, {}, { shareWith: server });
        try {
          const user = await createUser(fresh('kim'));
          for (let i = 0; i < 3; i++) expectError(await login(server.url, user.username, 'wrong'), 401);
          for (let i = 0; i < 2; i++) expectError(await login(other.url, user.username, 'wrong'), 401);
          expectError(await login(server.url, user.username, 'a-good-password'), 429);
          expectError(await login(other.url, user.username, 'a-good-password'), 429);
        } finally {
          await other.close();
        }
      }, 60_000);
    }
  });
});

describeEachDatabase('login throttling behind a trusted proxy', (db) => {
  const server = useServer(db, { ONWARD_TRUST_PROXY: '127.0.0.1' });
  const from = (client: string, password: string) => login(server.url, 'bob', password).set('X-Forwarded-For', client);

  it('counts per client address as the proxy reports it', async () => {
    for (let i = 0; i < 5; i++) expectError(await from('203.0.113.5', 'wrong'), 401);
    expectError(await from('203.0.113.5', 'bob'), 429);
    expect((await from('203.0.113.6', 'bob')).status).toBe(200);
    expect((await login(server.url, 'bob', 'bob')).status).toBe(200); // the proxy's own address
  });
});

describeEachDatabase('the demo hint', (db) => {
  const server = useServer(db);

  it('leaves out a disabled demo account, and lists it again once enabled', async () => {
    const admin = await Api.as(server.url, 'admin');
    const alice = await Api.as(server.url, 'alice');
    const options = async () => (await request(server.url).get('/api/auth/options')).body as { demoUsers: string[] };
    expect((await options()).demoUsers).toEqual(['alice', 'bob', 'admin']);
    expect((await admin.patch(`/api/admin/users/${alice.userId}`, { disabled: true })).status).toBe(200);
    expect((await options()).demoUsers).toEqual(['bob', 'admin']);
    expect((await admin.patch(`/api/admin/users/${alice.userId}`, { disabled: false })).status).toBe(200);
    expect((await options()).demoUsers).toEqual(['alice', 'bob', 'admin']);
  });
});

describeEachDatabase('the start-up admin', (db) => {
  const server = useServer(db, { ONWARD_DEMO_USERS: 'false', ONWARD_BOOTSTRAP_ADMIN: 'root:root-password' });

  it('is created when no admin exists, without demo users', async () => {
    const root = await loginAs(server.url, 'root', 'root-password');
    expect(root.login?.user).toMatchObject({ username: 'root', roles: ['user', 'admin'] });
    const users = (await root.get('/api/admin/users')).body as AdminUser[];
    expect(users.map((u) => u.username)).toEqual(['root']);
    expect((await request(server.url).get('/api/auth/options')).body).toEqual({ mode: 'local', demoUsers: [] });
    expectError(await login(server.url, 'admin', 'admin'), 401);
  });

  it('is created once when several processes start together on an installation without an admin', async () => {
    const bare = await bootServer(db, { ONWARD_DEMO_USERS: 'false' });
    try {
      const env = { ONWARD_DEMO_USERS: 'false', ONWARD_BOOTSTRAP_ADMIN: 'boss:boss-password' };
      const starters = await Promise.all([1, 2, 3].map(() => bootServer(db, env, { shareWith: bare })));
      await Promise.all(starters.map((s) => s.close()));
      const boss = await loginAs(bare.url, 'boss', 'boss-password');
      const users = (await boss.get('/api/admin/users')).body as AdminUser[];
      expect(users.map((u) => [u.username, u.roles])).toEqual([['boss', ['user', 'admin']]]);
    } finally {
      await bare.close();
    }
  }, 60_000);
});
