import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createOnwardApp } from '../src/app/app.factory';
import request from 'supertest';

import { expectError } from './support/contract';
import { ServerProcess, ensureBuiltServer, startExpectingExit } from './support/process';

// "A bad value (an unparsable URL, a negative concurrency) stops the server at start with a message
// that names the variable." Configuration is read before any database is touched, so this suite
// does not run per database.
describe('configuration', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'onward-config-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['ONWARD_CONCURRENCY', '-1', /ONWARD_CONCURRENCY/],
    ['ONWARD_CONCURRENCY', 'four', /ONWARD_CONCURRENCY/],
    ['ONWARD_USER_CONCURRENCY', '-3', /ONWARD_USER_CONCURRENCY/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL/],
    ['DATABASE_URL', 'mysql://root@127.0.0.1/test', /DATABASE_URL/],
    ['REDIS_URL', 'redis//missing-colon', /REDIS_URL/],
    ['PORT', 'eighty', /PORT/],
    ['ONWARD_ROLE', 'boss', /ONWARD_ROLE/],
    ['ONWARD_ROLE', 'worker', /ONWARD_ROLE|REDIS_URL/],
    ['ONWARD_DEMO_USERS', 'maybe', /ONWARD_DEMO_USERS/],
  ])('refuses %s=%s, naming the variable', async (name, value, named) => {
    let app: Awaited<ReturnType<typeof createOnwardApp>> | undefined;
    try {
      app = await createOnwardApp({ ONWARD_DATA_DIR: dataDir, ONWARD_LOG_LEVEL: 'error', [name]: value });
    } catch (error) {
      expect((error as Error).message).toMatch(named);
      return;
    } finally {
      await app?.close();
    }
    throw new Error(`the server started with ${name}=${value}`);
  });

  describe('the built server', () => {
    beforeAll(() => ensureBuiltServer(), 360_000);

    it.each([
      ['ONWARD_CONCURRENCY', '-1'],
      ['DATABASE_URL', 'postgres://user@:nope'],
    ])(
      'exits at start for %s=%s with a message naming it',
      async (name, value) => {
        const { code, output } = await startExpectingExit({ ONWARD_DATA_DIR: dataDir, [name]: value });
        expect(code).not.toBe(0);
        expect(code).not.toBeNull();
        expect(output).toContain(name);
      },
      40_000,
    );

    it('refuses the demo users under NODE_ENV=production, naming ONWARD_DEMO_USERS', async () => {
      const { code, output } = await startExpectingExit({
        ONWARD_DATA_DIR: dataDir,
        NODE_ENV: 'production',
        ONWARD_DEMO_USERS: 'true',
      });
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(output).toContain('ONWARD_DEMO_USERS');
    }, 40_000);

    it('has no demo users under NODE_ENV=production, and makes the start-up admin', async () => {
      const productionDir = mkdtempSync(join(tmpdir(), 'onward-production-'));
      const server = await ServerProcess.start({
        ONWARD_DATA_DIR: productionDir,
        NODE_ENV: 'production',
        ONWARD_BOOTSTRAP_ADMIN: 'owner:owner-password',
      });
      try {
        for (const username of ['alice', 'bob', 'admin']) {
          expectError(await request(server.url).post('/api/auth/login').send({ username, password: username }), 401);
        }
        expect((await request(server.url).get('/api/auth/options')).body).toEqual({ mode: 'local', demoUsers: [] });
        const owner = await request(server.url)
          .post('/api/auth/login')
          .send({ username: 'owner', password: 'owner-password' });
        expect(owner.status).toBe(200);
        expect((owner.body as { user: { roles: string[] } }).user.roles).toEqual(['user', 'admin']);
      } finally {
        await server.stop();
        rmSync(productionDir, { recursive: true, force: true });
      }
    }, 60_000);

    it.each([
      [{ ONWARD_AUTH: 'jwt', ONWARD_JWT_ISSUER: 'i', ONWARD_JWT_AUDIENCE: 'a' }, 'ONWARD_JWT_JWKS_URL'],
      [
        { ONWARD_AUTH: 'jwt', ONWARD_JWT_JWKS_URL: 'http://127.0.0.1:9/jwks', ONWARD_JWT_AUDIENCE: 'a' },
        'ONWARD_JWT_ISSUER',
      ],
    ])(
      'exits at start in jwt mode with %j, naming %s',
      async (env, name) => {
        const { code, output } = await startExpectingExit({ ONWARD_DATA_DIR: dataDir, ...env });
        expect(code).not.toBe(0);
        expect(code).not.toBeNull();
        expect(output).toContain(name);
      },
      40_000,
    );
  });
});
