/**
 * Bad input, systematically: fast-check throws generated bodies, ids, query strings, tokens,
 * raw and oversized payloads at every endpoint of API.md and junk at the Socket.IO namespace.
 * Every request must be answered with a 4xx in the contract's error shape (never a 5xx, never a
 * 2xx: the generators yield only input that must be rejected) and leave every table as it was.
 *
 * The seed is random on purpose; a failure prints it with the (shrunk) counterexample, and
 * `fc.assert(…, { seed, path })` replays it.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import request, { type Response, type Test } from 'supertest';

import { Api, pollUntil, recalc, salesReport } from './support/api';
import { type ErrorBody, errorProblems, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { TusClient } from './support/uploads';
import {
  type Json,
  HugeString,
  JsonObject,
  type QueryPair,
  anyJson,
  anyJsonOrDeep,
  anyKey,
  anyListPair,
  anyString,
  badAuthorization,
  extremeRunBody,
  forgedClaims,
  tusHeaders,
  type Forger,
  invalidCreateUserBody,
  invalidListPair,
  invalidPasswordBody,
  invalidRunBody,
  invalidUpdateUserBody,
  nonString,
  nonUuidSegment,
  queryString,
  serialize,
  toPlain,
} from './support/fuzz';
import { AUDIENCE, ISSUER, JwksServer, hostToken, jwtEnv, signingKey } from './support/host-idp';
import { signJwt, unsignedJwt } from './support/jwt';
import { type TestServer, bootServer, useServer } from './support/server';
import { type RunsSocket, connectRuns } from './support/sockets';
import { type StoredRowReader, openStoredRowReader, snapshotDifferences } from './support/stored-rows';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** One generated request; printed as is in a counterexample. */
interface Call {
  method: Method;
  path: string;
  /** Header values; `null` leaves the header out. */
  headers: Record<string, string | null>;
  body?: Json | { raw: string } | { bytes: number[] } | { size: number; shape: 'string' | 'array' };
  /** Who sends it (adds their token unless `headers.Authorization` is given). */
  as: 'alice' | 'bob' | 'admin' | 'nobody';
}

const MiB = 1024 * 1024;
const JSON_TYPE = { 'Content-Type': 'application/json' };

/**
 * Runs a property with fast-check's random seed; a failure reports the seed, the shrunk
 * counterexample and every failing input met. Runs and shrinking stop in time to be reported
 * within the test's 60 s.
 */
async function check<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => Promise<void>) {
  await fc.assert(fc.asyncProperty(arbitrary, predicate), {
    numRuns,
    verbose: fc.VerbosityLevel.Verbose,
    interruptAfterTimeLimit: 45_000,
    markInterruptAsFailure: true,
  });
}

function wireBody(body: Exclude<Call['body'], undefined>): string | Buffer {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    if ('raw' in body) return body.raw;
    if ('bytes' in body) return Buffer.from(body.bytes);
    if ('size' in body && 'shape' in body) {
      return body.shape === 'string'
        ? JSON.stringify({ task: 'sales-report', parameters: { customer: 'x'.repeat(body.size), year: 2024 } })
        : `[${'0,'.repeat(Math.ceil(body.size / 2))}0]`;
    }
  }
  return serialize(body as Json);
}

describeEachDatabase('fuzz', (db) => {
  // The generated logins include demo usernames with wrong passwords, far more than the five failures
  // after which a username is blocked from one address; the limit itself is tested in `users`.
  const server = useServer(db, { ONWARD_LOGIN_MAX_FAILURES: '100000' });
  const apis: Partial<Record<Call['as'], Api>> = {};
  let rows: StoredRowReader;
  let stored: Record<string, string[]>;
  /** alice's finished print-preview (awaitResult yes), alice's failed run (no result), bob's run. */
  let aliceDone: string;
  let aliceFailed: string;
  let bobDone: string;
  let forgeKey: string;

  beforeAll(async () => {
    const [alice, bob, admin] = await Promise.all([
      Api.as(server.url, 'alice'),
      Api.as(server.url, 'bob'),
      Api.as(server.url, 'admin'),
    ]);
    Object.assign(apis, { alice, bob, admin, nobody: Api.anonymous(server.url) });
    const [done, failed, bobs] = await Promise.all([
      alice.runToEnd({ task: 'print-preview', parameters: { customer: 'Acme' } }),
      alice.runToEnd(salesReport('Nobody', 2024)),
      bob.runToEnd(recalc(0.5)),
    ]);
    expect([done.status, failed.status, bobs.status]).toEqual(['completed', 'failed', 'completed']);
    aliceDone = done.id;
    aliceFailed = failed.id;
    bobDone = bobs.id;
    forgeKey = randomBytes(32).toString('hex');
    rows = await openStoredRowReader(server);
    stored = await rows.snapshot();
  }, 120_000);

  afterAll(async () => {
    await rows?.close();
  });

  /**
   * After a request that wrongly started runs: cancels them (as admin) and waits until they have
   * stopped, so that the next request (a shrinking step or the next test) starts from quiet tables.
   */
  async function stopStrayRuns(): Promise<void> {
    const admin = api('admin');
    const active = () => admin.allRunIds({ status: 'queued,running,cancelling' }, '/api/admin/runs');
    await Promise.all((await active()).map((id) => admin.post(`/api/runs/${id}/cancel`)));
    await pollUntil(active, (ids) => ids.length === 0, 60_000, 'stray runs to stop');
    stored = await rows.snapshot();
  }

  beforeEach(stopStrayRuns, 70_000);

  const api = (who: Call['as']): Api => apis[who] as Api;

  function send(call: Call, wire = call.body === undefined ? undefined : wireBody(call.body)): Test {
    const client = api(call.as);
    let test = request(server.url)[call.method](call.path);
    if (client.token && !('Authorization' in call.headers)) test = test.set('Authorization', `Bearer ${client.token}`);
    for (const [name, value] of Object.entries(call.headers)) if (value !== null) test = test.set(name, value);
    return wire === undefined ? test : test.send(wire);
  }

  /**
   * Throws unless every table holds what it held after the previous check; `task_durations` and the
   * `run_stats_*` rollups aside, which the server writes in the background from runs ended earlier.
   */
  async function expectNothingStored(what: string): Promise<void> {
    const now = await rows.snapshot();
    for (const snapshot of [stored, now]) {
      for (const table of ['task_durations', 'run_stats_minutes', 'run_stats_hours', 'run_stats_errors']) {
        delete snapshot[table];
      }
    }
    const changes = snapshotDifferences(stored, now);
    stored = now;
    if (changes.length > 0) {
      await stopStrayRuns();
      throw new Error(`${what} changed the database:\n${changes.join('\n')}`);
    }
  }

  /**
   * Sends the call and throws unless it was rejected per the contract and stored nothing; a body
   * over 1 MiB (generated trees can grow that large) must get 413, whatever else is wrong with it.
   */
  async function expectRejected(call: Call, statuses: readonly number[]): Promise<Response> {
    const wire = call.body === undefined ? undefined : wireBody(call.body);
    const allowed = wire !== undefined && Buffer.byteLength(wire) > MiB ? [413] : statuses;
    const res = await send(call, wire);
    const what = `${call.method.toUpperCase()} ${call.path.slice(0, 200)}`;
    const problems = errorProblems(res, res.status);
    if (!allowed.includes(res.status)) problems.unshift(`status ${res.status}, expected one of ${allowed.join(', ')}`);
    if (problems.length > 0) {
      throw new Error(`${what}: ${problems.join('; ')}\nbody: ${JSON.stringify(res.body).slice(0, 500)}`);
    }
    await expectNothingStored(what);
    return res;
  }

  const forge: Forger = (claims, signed) =>
    signed ? signJwt({ alg: 'HS256', typ: 'JWT' }, claims, forgeKey) : unsignedJwt(claims);

  /** Ids that name no run the caller may touch: malformed, unknown, or another user's. */
  const foreignId = (): fc.Arbitrary<string> =>
    fc.oneof(
      nonUuidSegment,
      fc.uuid(),
      fc.uuid().map((u) => u.toUpperCase()),
      fc.constant(bobDone),
    );

  describe('HTTP', () => {
    it('rejects generated POST /api/runs bodies with 400 or 404', async () => {
      await check(fc.tuple(invalidRunBody, fc.constantFrom<Call['as']>('alice', 'admin')), 150, async ([c, as]) => {
        const res = await expectRejected(
          { method: 'post', path: '/api/runs', headers: JSON_TYPE, body: c.body, as },
          [400, 404],
        );
        // A well-formed JSON object that fails validation names the fields at fault.
        if (res.status === 400 && c.body instanceof JsonObject) {
          expect((res.body as ErrorBody).details?.length).toBeGreaterThan(0);
        }
      });
    }, 60_000);

    it('rejects generated login bodies with 400 or 401', async () => {
      const field = (name: string, max: number) =>
        fc.oneof(
          anyString.map((s): [string, Json] => [name, s]),
          nonString.map((v): [string, Json] => [name, v]),
          fc.constant<[string, Json]>([name, '']),
          fc.constant<[string, Json]>([name, new HugeString('x', max + 1)]),
          fc.constantFrom<[string, Json]>([name, 'alice'], [name, 'admin']),
        );
      const body = fc
        .tuple(
          fc.option(field('username', 100)),
          fc.option(field('password', 200)),
          fc.array(fc.tuple(anyKey, anyJson), { maxLength: 2 }),
        )
        .map(
          ([u, p, extra]) =>
            new JsonObject([...(u ? [u] : []), ...(p ? [p] : []), ...extra.map(([k, v]): [string, Json] => [k, v])]),
        )
        // Not a valid login of a demo user (password = username, and no extra fields).
        .filter((o) => !(typeof o.get('username') === 'string' && o.get('username') === o.get('password')));
      await check(fc.oneof({ weight: 9, arbitrary: body }, { weight: 1, arbitrary: anyJson }), 40, async (b) => {
        await expectRejected(
          { method: 'post', path: '/api/auth/login', headers: JSON_TYPE, body: b, as: 'nobody' },
          [400, 401],
        );
      });
    }, 60_000);

    it('rejects generated POST /api/admin/users bodies with 400 (403 for non-admins)', async () => {
      const cases = fc.oneof(
        { weight: 6, arbitrary: invalidCreateUserBody.map((c) => ({ ...c, as: 'admin' as const })) },
        { weight: 1, arbitrary: invalidCreateUserBody.map((c) => ({ ...c, as: 'alice' as const })) },
      );
      await check(cases, 60, async (c) => {
        const res = await expectRejected(
          { method: 'post', path: '/api/admin/users', headers: JSON_TYPE, body: c.body, as: c.as },
          // A body that is no JSON object may fail before the route knows who is asking.
          c.as === 'admin' ? [400] : c.body instanceof JsonObject ? [403] : [400, 403],
        );
        if (res.status === 400 && c.body instanceof JsonObject) {
          expect((res.body as ErrorBody).details?.length).toBeGreaterThan(0);
        }
      });
      // A well-formed body with a username in use.
      await expectRejected(
        {
          method: 'post',
          path: '/api/admin/users',
          headers: JSON_TYPE,
          body: new JsonObject([
            ['username', 'alice'],
            ['displayName', 'Another Alice'],
            ['password', 'a-good-password'],
            ['roles', []],
          ]),
          as: 'admin',
        },
        [409],
      );
    }, 60_000);

    it('rejects generated PATCH /api/admin/users/:id bodies and ids', async () => {
      const aliceId = api('alice').userId;
      const adminId = api('admin').userId;
      const calls = fc.oneof(
        {
          weight: 5,
          arbitrary: invalidUpdateUserBody.map((c) => ({ id: aliceId, body: c.body, as: 'admin' as const })),
        },
        // Ids of no user: 404 for a valid body (400 would also do for a bad one).
        {
          weight: 1,
          arbitrary: fc.tuple(fc.oneof(nonUuidSegment, fc.uuid()), fc.boolean()).map(([id, disabled]) => ({
            id,
            body: new JsonObject([['disabled', disabled]]) as Json,
            as: 'admin' as const,
          })),
        },
        // The one admin may neither be disabled nor demoted (409), and alice may not edit anyone (403).
        {
          weight: 1,
          arbitrary: fc.constantFrom<{ id: string; body: Json; as: 'admin' | 'alice' }>(
            { id: adminId, body: new JsonObject([['disabled', true]]), as: 'admin' },
            { id: adminId, body: new JsonObject([['roles', ['user']]]), as: 'admin' },
            { id: aliceId, body: new JsonObject([['roles', ['admin']]]), as: 'alice' },
            { id: adminId, body: new JsonObject([['disabled', true]]), as: 'alice' },
          ),
        },
      );
      await check(calls, 60, async ({ id, body, as }) => {
        await expectRejected(
          { method: 'patch', path: `/api/admin/users/${id}`, headers: JSON_TYPE, body, as },
          as === 'alice' ? [403] : [400, 404, 409],
        );
      });
    }, 60_000);

    it('rejects generated POST /api/auth/password bodies with 400', async () => {
      await check(invalidPasswordBody('alice'), 40, async (c) => {
        const res = await expectRejected(
          { method: 'post', path: '/api/auth/password', headers: JSON_TYPE, body: c.body, as: 'alice' },
          [400],
        );
        if (c.body instanceof JsonObject) expect((res.body as ErrorBody).details?.length).toBeGreaterThan(0);
      });
      expect((await api('alice').get('/api/auth/me')).status).toBe(200); // the session goes on
    }, 60_000);

    it('rejects generated PATCH /api/runs/:id bodies', async () => {
      // alice's run is of a task that must stay in the foreground: even a valid body answers 409.
      const body = fc.oneof(
        anyJsonOrDeep,
        anyJson.filter((v) => v !== 'background').map((mode) => new JsonObject([['mode', mode]])),
        fc.tuple(anyKey, anyJson).map(
          ([k, v]) =>
            new JsonObject([
              ['mode', 'background'],
              [k, v],
            ]),
        ),
      );
      await check(body, 40, async (b) => {
        await expectRejected(
          { method: 'patch', path: `/api/runs/${aliceDone}`, headers: JSON_TYPE, body: b, as: 'alice' },
          [400, 409],
        );
      });
    }, 60_000);

    it('rejects generated POST /api/runs/:id/rerun bodies', async () => {
      // Nothing generated here is a valid rerun: `only` is never "failed", or parameters is no object,
      // or a parameter is not one of the task's.
      const body = fc.oneof(
        anyJson.filter((v) => v !== 'failed' && v !== null).map((only) => new JsonObject([['only', only]])),
        anyJson
          .filter((v) => v !== null && !(v instanceof JsonObject))
          .map((parameters) => new JsonObject([['parameters', parameters]])),
        fc
          .tuple(
            anyKey.filter((k) => !['customer', 'year'].includes(k)),
            anyJson,
          )
          .map(([k, v]) => new JsonObject([['parameters', new JsonObject([[k, v]])]])),
      );
      await check(body, 40, async (b) => {
        await expectRejected(
          { method: 'post', path: `/api/runs/${aliceDone}/rerun`, headers: JSON_TYPE, body: b, as: 'alice' },
          [400, 409],
        );
      });
    }, 60_000);

    it('rejects ids of no run, malformed ids and other users’ runs on every /api/runs/:id route', async () => {
      const calls = fc.oneof(
        foreignId().chain((id) =>
          fc.constantFrom<Call>(
            { method: 'get', path: `/api/runs/${id}`, headers: {}, as: 'alice' },
            { method: 'post', path: `/api/runs/${id}/cancel`, headers: {}, as: 'alice' },
            {
              method: 'patch',
              path: `/api/runs/${id}`,
              headers: JSON_TYPE,
              body: new JsonObject([['mode', 'background']]),
              as: 'alice',
            },
            { method: 'delete', path: `/api/runs/${id}`, headers: {}, as: 'alice' },
            { method: 'get', path: `/api/runs/${id}/result`, headers: {}, as: 'alice' },
            { method: 'get', path: `/api/runs/${id}/wait?timeout=1`, headers: {}, as: 'alice' },
            {
              method: 'post',
              path: `/api/runs/${id}/rerun`,
              headers: JSON_TYPE,
              body: new JsonObject([]),
              as: 'alice',
            },
          ),
        ),
        // The caller's own runs, where the contract still says no: finished (cancel), no result.
        fc.constantFrom<Call>(
          { method: 'post', path: `/api/runs/${aliceDone}/cancel`, headers: {}, as: 'alice' },
          { method: 'get', path: `/api/runs/${aliceFailed}/result`, headers: {}, as: 'alice' },
        ),
      );
      await check(calls, 80, async (call) => {
        await expectRejected(call, [400, 404, 409]);
      });
    }, 60_000);

    it('rejects bad /wait timeouts with 400', async () => {
      const timeout = fc.oneof(
        anyString.filter((t) => !/^\d+(\.\d+)?$/.test(t) || Number(t) > 60),
        fc.integer({ min: 61 }).map(String),
        fc.constantFrom('-1', '60.5', '1e1', 'Infinity', '0x10', ' 1'),
      );
      const pairs = fc.oneof(
        timeout.map((t): QueryPair[] => [['timeout', t, false]]),
        fc.tuple(fc.nat(60), fc.nat(60)).map(([a, b]): QueryPair[] => [
          ['timeout', String(a), false],
          ['timeout', String(b), false],
        ]),
      );
      await check(pairs, 30, async (query) => {
        await expectRejected(
          { method: 'get', path: `/api/runs/${aliceDone}/wait?${queryString(query)}`, headers: {}, as: 'alice' },
          [400],
        );
      });
    }, 60_000);

    it('rejects invalid GET /api/runs and /api/admin/runs queries with 400 (403 for non-admins)', async () => {
      const adminOnly = fc.oneof(
        invalidListPair,
        fc.integer({ min: 101, max: 300 }).map((n): QueryPair => ['user', 'u'.repeat(n), false]),
      );
      const queries = fc.oneof(
        fc
          .tuple(invalidListPair, fc.array(anyListPair, { maxLength: 3 }), fc.nat())
          .map(([bad, noise, at]) => ({ path: '/api/runs', as: 'alice' as const, pairs: insertAt(noise, bad, at) })),
        fc.tuple(adminOnly, fc.array(anyListPair, { maxLength: 3 }), fc.nat()).map(([bad, noise, at]) => ({
          path: '/api/admin/runs',
          as: 'admin' as const,
          pairs: insertAt(noise, bad, at),
        })),
        fc
          .array(anyListPair, { maxLength: 4 })
          .map((pairs) => ({ path: '/api/admin/runs', as: 'alice' as const, pairs })),
      );
      await check(queries, 80, async ({ path, as, pairs }) => {
        const call: Call = { method: 'get', path: `${path}?${queryString(pairs)}`, headers: {}, as };
        await expectRejected(call, path.includes('admin') && as !== 'admin' ? [403] : [400]);
      });
    }, 60_000);

    it('answers odd but possibly valid list queries with 200 or 400, never more', async () => {
      const queries = fc.tuple(
        fc.constantFrom<['/api/runs', 'alice'] | ['/api/admin/runs', 'admin']>(
          ['/api/runs', 'alice'],
          ['/api/admin/runs', 'admin'],
        ),
        fc.array(anyListPair, { maxLength: 4 }),
      );
      await check(queries, 60, async ([[path, as], pairs]) => {
        const call: Call = { method: 'get', path: `${path}?${queryString(pairs)}`, headers: {}, as };
        const res = await send(call);
        if (res.status === 200) {
          expect(Array.isArray((res.body as { items?: unknown }).items)).toBe(true);
        } else {
          const problems = errorProblems(res, 400);
          if (problems.length > 0) throw new Error(`GET ${call.path}: ${problems.join('; ')}`);
        }
        await expectNothingStored(`GET ${call.path}`);
      });
    }, 60_000);

    it('rejects raw, non-JSON and wrongly typed bodies', async () => {
      const contentType = fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/json; charset=nonsense',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/octet-stream',
        'application/vnd.api+json',
      );
      const payload = fc.oneof(
        anyString.map((raw) => ({ raw })),
        fc.json().map((raw) => ({ raw })),
        fc
          .constantFrom('{', '{"task":', '{"task":"sales-report",}', "{'task':1}", 'task=sales-report', '<x/>')
          .map((raw) => ({ raw })),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes) => ({ bytes })),
      );
      const encoding = fc.constantFrom<string | null>(null, null, null, 'gzip', 'deflate', 'br', 'identity, gzip', 'x');
      const targets = fc.constantFrom<[Method, () => string, Call['as'], number[]]>(
        ['post', () => '/api/runs', 'alice', [400, 404, 415]],
        ['post', () => '/api/auth/login', 'nobody', [400, 401, 415]],
        ['patch', () => `/api/runs/${aliceDone}`, 'alice', [400, 409, 415]],
        ['post', () => '/api/admin/users', 'admin', [400, 415]],
        ['patch', () => `/api/admin/users/${api('alice').userId}`, 'admin', [400, 415]],
        ['post', () => '/api/auth/password', 'alice', [400, 415]],
      );
      await check(
        fc.tuple(targets, contentType, encoding, payload),
        50,
        async ([[method, path, as, allowed], ct, ce, body]) => {
          await expectRejected(
            { method, path: path(), headers: { 'Content-Type': ct, 'Content-Encoding': ce }, body, as },
            allowed,
          );
        },
      );
    }, 60_000);

    it('rejects bodies over 1 MiB with 413', async () => {
      const targets = fc.constantFrom<[Method, () => string, Call['as']]>(
        ['post', () => '/api/runs', 'alice'],
        ['post', () => '/api/auth/login', 'nobody'],
        ['patch', () => `/api/runs/${aliceDone}`, 'alice'],
        ['post', () => '/api/admin/users', 'admin'],
        ['post', () => '/api/auth/password', 'alice'],
      );
      const oversized = fc.record({
        size: fc.integer({ min: MiB + 1, max: 3 * MiB }),
        shape: fc.constantFrom<'string' | 'array'>('string', 'array'),
      });
      await check(fc.tuple(targets, oversized), 10, async ([[method, path, as], body]) => {
        await expectRejected({ method, path: path(), headers: JSON_TYPE, body, as }, [413]);
      });
    }, 60_000);

    it('answers every authenticated route with 401 for a missing, malformed or forged token', async () => {
      const routes = fc.constantFrom<[Method, () => string, Json | undefined]>(
        ['get', () => '/api/auth/me', undefined],
        ['get', () => '/api/tasks', undefined],
        [
          'post',
          () => '/api/runs',
          new JsonObject([
            ['task', 'recalculate-prices'],
            ['parameters', new JsonObject([['category', 'Hardware']])],
          ]),
        ],
        ['get', () => '/api/runs', undefined],
        ['get', () => `/api/runs/${aliceDone}`, undefined],
        ['post', () => `/api/runs/${aliceDone}/cancel`, undefined],
        ['patch', () => `/api/runs/${aliceDone}`, new JsonObject([['mode', 'background']])],
        ['delete', () => `/api/runs/${aliceDone}`, undefined],
        ['get', () => `/api/runs/${aliceDone}/result`, undefined],
        ['get', () => `/api/runs/${aliceDone}/wait?timeout=0`, undefined],
        ['get', () => '/api/admin/runs', undefined],
        ['get', () => '/api/admin/users', undefined],
        ['post', () => '/api/admin/users', undefined],
        ['patch', () => `/api/admin/users/${api('alice').userId}`, new JsonObject([['disabled', true]])],
        [
          'post',
          () => '/api/auth/password',
          new JsonObject([
            ['currentPassword', 'alice'],
            ['newPassword', 'a-good-password'],
          ]),
        ],
      );
      const authorization = fc.oneof(
        {
          weight: 9,
          arbitrary: badAuthorization(forge).map((a) => ({ a, huge: false })),
        },
        // Headers beyond Node's 16 KiB limit never reach the routes.
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: 17_000, max: 40_000 })
            .map((n) => ({ a: `Bearer ${'a'.repeat(n)}`, huge: true })),
        },
      );
      await check(fc.tuple(routes, authorization), 50, async ([[method, path, body], { a, huge }]) => {
        await expectRejected(
          {
            method,
            path: path(),
            headers: { ...JSON_TYPE, Authorization: a },
            ...(body ? { body } : {}),
            as: 'nobody',
          },
          huge ? [431] : [401],
        );
      });
    }, 60_000);

    it('accepts valid bodies with extreme values, and their runs end', async () => {
      // Not bad input, but where bad input goes next: the longest strings, odd scripts, the bounds.
      await check(extremeRunBody, 8, async (body) => {
        const res = await send({ method: 'post', path: '/api/runs', headers: JSON_TYPE, body, as: 'alice' });
        if (res.status !== 202) throw new Error(`status ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
        const run = await api('alice').waitFinished(expectRunView(res.body).id, 20_000);
        if (run.status === 'failed') expect(run.error?.message).toBeTruthy();
      });
    }, 60_000);

    it('answers generated tus requests on /api/uploads with a 4xx or a tus success, never a 5xx', async () => {
      const tus = new TusClient(server.url, api('alice').token);
      const own = await tus.start(1_000_000, 'fuzz.bin');
      const bytes = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 }));
      const calls = fc.tuple(
        fc.constantFrom<'post' | 'patch' | 'head' | 'delete' | 'options'>('post', 'patch', 'head', 'delete', 'options'),
        fc.oneof({ weight: 3, arbitrary: fc.constant(own) }, foreignId()),
        tusHeaders,
        bytes,
        fc.constantFrom<Call['as']>('alice', 'bob', 'nobody'),
      );
      await check(calls, 150, async ([method, id, headers, size, as]) => {
        const path = method === 'post' ? '/api/uploads' : `/api/uploads/${id}`;
        const client = api(as);
        let test = request(server.url)[method](path);
        if (client.token) test = test.set('Authorization', `Bearer ${client.token}`);
        for (const [name, value] of Object.entries(headers)) if (value !== null) test = test.set(name, value);
        const res = await (size > 0 && method !== 'head' ? test.send(randomBytes(size)) : test);
        const what = `${method.toUpperCase()} ${path} ${JSON.stringify(headers)} (${size} bytes, as ${as})`;
        if (res.status >= 500) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
        if (res.status >= 400 && method !== 'head') {
          const problems = errorProblems(res, res.status);
          if (problems.length > 0) throw new Error(`${what}: ${problems.join('; ')}`);
        }
      });
      // The upload the requests aimed at is still a consistent run: running, or ended by a DELETE.
      const run = await api('alice').getRun(own);
      expect(['running', 'cancelled']).toContain(run.status);
    }, 90_000);

    it('answers unknown routes and methods with a JSON 404', async () => {
      const known = ['auth', 'tasks', 'runs', 'admin', 'docs'];
      const calls = fc.oneof(
        fc
          .tuple(fc.constantFrom<Method>('get', 'post', 'patch', 'put', 'delete'), nonUuidSegment)
          .filter(([, seg]) => !known.includes(seg))
          .map(([method, seg]): Call => ({ method, path: `/api/${seg}`, headers: {}, as: 'alice' })),
        fc
          .tuple(fc.constantFrom<Method>('get', 'post', 'patch', 'put', 'delete'), nonUuidSegment)
          .filter(([, seg]) => !['cancel', 'result', 'wait'].includes(seg))
          .map(([method, seg]): Call => ({ method, path: `/api/runs/${aliceDone}/${seg}`, headers: {}, as: 'alice' })),
        fc.constantFrom<Call>(
          { method: 'put', path: '/api/runs', headers: {}, as: 'alice' },
          { method: 'delete', path: '/api/runs', headers: {}, as: 'alice' },
          { method: 'put', path: `/api/runs/${aliceDone}`, headers: {}, as: 'alice' },
          { method: 'post', path: `/api/runs/${aliceDone}`, headers: {}, as: 'alice' },
          { method: 'get', path: '/api/auth/login', headers: {}, as: 'nobody' },
        ),
      );
      await check(calls, 30, async (call) => {
        await expectRejected(call, [404]);
      });
    }, 60_000);
  });

  describe('Socket.IO', () => {
    const opened: Socket[] = [];
    let watcher: RunsSocket;

    function rawSocket(auth: object): Socket {
      const socket = io(`${server.url}/runs`, {
        auth: auth as Record<string, unknown>,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 10_000,
      });
      opened.push(socket);
      return socket;
    }

    async function connectAs(who: 'alice' | 'bob' | 'admin'): Promise<RunsSocket> {
      const socket = await connectRuns(server.url, api(who).token as string);
      opened.push(socket.socket);
      return socket;
    }

    /** Socket payloads: JSON trees as plain values (nested at most a few thousand levels), or bytes. */
    const payload: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 5, arbitrary: anyJson.map(toPlain) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
    );

    beforeAll(async () => {
      watcher = await connectAs('bob');
    });

    afterAll(() => {
      for (const socket of opened) socket.disconnect();
    });

    it('refuses generated handshakes with connect_error "unauthorized"', async () => {
      const auth = fc.oneof(
        fc.constant({}),
        payload.map((token) => ({ token })),
        fc.tuple(forgedClaims, fc.boolean()).map(([claims, signed]) => ({ token: forge(claims, signed) })),
        fc
          .tuple(anyKey, payload)
          .map(([k, v]) => JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}}`) as object),
      );
      await check(auth, 25, async (a) => {
        const socket = rawSocket(a);
        const outcome = await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (error: Error) => resolve(error.message));
        });
        socket.disconnect();
        expect(outcome).toBe('unauthorized');
        expect(watcher.socket.connected).toBe(true);
      });
      await expectNothingStored('socket handshakes');
    }, 60_000);

    it('ignores junk events and arguments, answers subscribe.all per the contract, disconnects no one else', async () => {
      const [alice, admin] = await Promise.all([connectAs('alice'), connectAs('admin')]);
      const reserved = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];
      const event = fc.oneof(
        fc.constant('subscribe.all'),
        fc.constantFrom(
          'subscribe',
          'subscribe.all ',
          'SUBSCRIBE.ALL',
          'run.updated',
          'run.deleted',
          'error',
          'message',
        ),
        anyString.filter((s) => !reserved.includes(s)),
      );
      const cases = fc.record({
        who: fc.constantFrom('alice' as const, 'admin' as const),
        event,
        // Under Socket.IO's 1 MB packet limit (over it, the server drops the sender: see the next test).
        args: fc.array(payload, { maxLength: 3 }).filter((args) => Buffer.byteLength(JSON.stringify(args)) < 500_000),
        ack: fc.boolean(),
      });
      await check(cases, 60, async ({ who, event: name, args, ack }) => {
        const socket = who === 'alice' ? alice : admin;
        const errorsBefore = socket.errorsReceived().length;
        socket.emit(name, ...args, ...(ack ? [() => undefined] : []));
        // A non-admin's subscribe.all answers with an `error` event; it also marks that the server
        // has handled everything sent before it (packets of one socket are handled in order).
        if (who === 'alice') {
          socket.emit('subscribe.all');
          const expected = errorsBefore + (name === 'subscribe.all' ? 2 : 1);
          await socket.waitFor('error', () => socket.errorsReceived().length >= expected, 5_000);
          for (const error of socket.errorsReceived().slice(errorsBefore)) {
            expect(typeof (error as { message?: unknown }).message).toBe('string');
          }
        } else {
          expect(socket.errorsReceived()).toEqual([]);
        }
        expect(socket.socket.connected).toBe(true);
        expect(watcher.socket.connected).toBe(true);
      });
      await expectNothingStored('socket events');
    }, 60_000);

    it('survives garbage frames and oversized packets, closing only the sender', async () => {
      const frames = fc.oneof(
        anyString,
        fc.constantFrom(
          '42/runs,[',
          '42/runs,["subscribe.all"',
          '42/runs,{}',
          '42/runs,["disconnect"]',
          '41/runs,',
          '40/nope,',
          '4-1',
          '9',
        ),
        fc.integer({ min: 1_000_001, max: 2_000_000 }).map((n) => `42/runs,["x","${'a'.repeat(n)}"]`),
        fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
      );
      await check(frames, 15, async (frame) => {
        const victim = await connectAs('alice');
        const engine = victim.socket.io.engine as unknown as { write(data: string | Buffer): void };
        const closed = new Promise<void>((resolve) => victim.socket.once('disconnect', () => resolve()));
        engine.write(frame);
        // Either the server drops the sender, or it ignores the frame; both are fine.
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 100))]);
        victim.close();
        expect(watcher.socket.connected).toBe(true);
        expect((await request(server.url).get('/health')).status).toBe(200);
      });
      await expectNothingStored('garbage frames');
    }, 60_000);

    it('still delivers live updates to the socket connected all along', async () => {
      const run = await api('bob').startRun(recalc(0.5));
      await watcher.waitForRun(run.id, (r) => r.status === 'completed', 30_000);
    }, 60_000);
  });

  it('still serves runs and live updates to new sockets after all of it', async () => {
    const watcher = await connectRuns(server.url, api('alice').token as string);
    try {
      const run = await api('alice').startRun(recalc(0.5));
      await watcher.waitForRun(run.id, (r) => r.status === 'completed', 30_000);
      expect((await api('alice').getRun(aliceDone)).status).toBe('completed');
    } finally {
      watcher.close();
    }
  }, 60_000);
});

function insertAt<T>(items: T[], item: T, at: number): T[] {
  const copy = [...items];
  copy.splice(at % (items.length + 1), 0, item);
  return copy;
}

// ONWARD_AUTH=jwt: every token that is not the host's, however garbled, is a 401 and stores no user.
describeEachDatabase('fuzz of host tokens (ONWARD_AUTH=jwt)', (db) => {
  const key = signingKey('host', 'RS256');
  const stranger = signingKey('stranger', 'RS256');
  const jwks = new JwksServer([key]);
  let server: TestServer;
  let rows: StoredRowReader;
  let stored: Record<string, string[]>;
  const b64 = (value: unknown): string =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

  beforeAll(async () => {
    await jwks.start();
    server = await bootServer(db, jwtEnv(jwks.url));
    // One genuine user, so that "stores nothing" also covers changes to an existing row.
    const res = await request(server.url)
      .get('/api/auth/me')
      .set(
        'Authorization',
        `Bearer ${await hostToken({ key, claims: { sub: 'host|real', preferred_username: 'real' } })}`,
      );
    expect(res.status).toBe(200);
    rows = await openStoredRowReader(server);
    stored = await rows.snapshot();
  }, 60_000);
  afterAll(async () => {
    await rows?.close();
    await server?.close();
    await jwks.stop();
  }, 60_000);

  const header = fc.record(
    {
      alg: fc.oneof(
        fc.constantFrom('none', 'None', 'HS256', 'HS384', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA', 'RS1', ''),
        anyJson,
      ),
      kid: fc.oneof(fc.constantFrom('host', 'stranger', '', '../../etc/passwd'), anyJson),
      typ: fc.constantFrom('JWT', 'at+jwt', 'JWE'),
      jku: fc.constant('http://127.0.0.1:1/jwks.json'),
      crit: fc.constant(['exp']),
    },
    { requiredKeys: ['alg'] },
  );
  const claims = fc.record(
    {
      sub: fc.oneof(fc.constantFrom('host|real', 'host|mallory'), anyJson),
      iss: fc.oneof(fc.constant(ISSUER), anyJson),
      aud: fc.oneof(fc.constant(AUDIENCE), fc.constant([AUDIENCE, 'x']), anyJson),
      exp: fc.oneof(fc.constant(Math.floor(Date.now() / 1000) + 3600), fc.integer(), anyJson),
      roles: fc.oneof(fc.constant(['onward-admin']), anyJson),
      preferred_username: anyJson,
    },
    { requiredKeys: [] },
  );
  const signature = fc.oneof(
    fc.constant(''),
    fc.base64String().map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
    fc.constant(null), // HMAC keyed with the host's public key
  );
  const token: fc.Arbitrary<string | { ownKid: boolean; sub: string }> = fc.oneof(
    // Well-formed JWTs with a bad signature, header or claims.
    fc.tuple(header, claims, signature).map(([h, c, sig]) => {
      const plainHeader = toPlain(new JsonObject(Object.entries(h) as [string, Json][])) as Record<string, unknown>;
      const plainClaims = toPlain(new JsonObject(Object.entries(c) as [string, Json][])) as Record<string, unknown>;
      if (sig === null) return signJwt({ ...plainHeader, alg: 'HS256' }, plainClaims, key.publicPem);
      return `${b64(plainHeader)}.${b64(plainClaims)}.${sig}`;
    }),
    // Genuine signatures of another key, under the host's kid or its own.
    fc.tuple(fc.boolean(), fc.constantFrom('host|real', 'host|mallory')).map(([ownKid, sub]) => ({ ownKid, sub })),
    // Garbage of one to five dot-separated parts.
    fc.array(fc.oneof(anyString, fc.base64String()), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
  );

  it('answers generated tokens, headers and algorithms with 401 in the error shape and stores nothing', async () => {
    const routes = ['/api/auth/me', '/api/runs', '/api/admin/runs'];
    await check(fc.tuple(token, fc.constantFrom(...routes)), 150, async ([generated, path]) => {
      const value =
        typeof generated === 'string'
          ? generated
          : await hostToken({
              key: stranger,
              claims: { sub: generated.sub },
              kid: generated.ownKid ? 'stranger' : 'host',
            });
      const authorization = `Bearer ${value}`;
      // Values a header cannot carry are refused by the HTTP client, not the server: skip those.
      fc.pre(/^[\t\x20-\x7e]*$/.test(authorization) && authorization.length < 16_000);
      const res = await request(server.url).get(path).set('Authorization', authorization);
      const problems = errorProblems(res, 401);
      if (problems.length > 0) {
        throw new Error(`${path} with ${authorization.slice(0, 300)}: ${problems.join('; ')} (status ${res.status})`);
      }
      const now = await rows.snapshot();
      const changes = snapshotDifferences(stored, now);
      stored = now;
      if (changes.length > 0) throw new Error(`a refused token changed the database:\n${changes.join('\n')}`);
    });
  }, 60_000);
});
