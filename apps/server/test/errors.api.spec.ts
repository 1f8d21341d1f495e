import request from 'supertest';

import { Api, recalc } from './support/api';
import { errorProblems, expectError, expectFieldError } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { expectRejectedWithoutChange } from './support/expectations';
import { useServer } from './support/server';

describeEachDatabase('errors', (db) => {
  const server = useServer(db);
  let alice: Api;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
  });

  const postRaw = (raw: string | Buffer, contentType = 'application/json') =>
    alice.post('/api/runs').set('Content-Type', contentType).send(raw);

  it('413 with a JSON error for a body over 1 MiB', async () => {
    const big = JSON.stringify({
      task: 'sales-report',
      parameters: { customer: 'x'.repeat(1024 * 1024 + 16), year: 2024 },
    });
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);
    const res = await expectRejectedWithoutChange(alice, async () => postRaw(big), 413);
    expect(res.body.message).toBe('The request body is larger than 1 MiB');
  });

  it.each([
    ['another media type', 'text/plain', null, 'Unsupported Content-Type "text/plain"; send application/json'],
    [
      'another charset',
      'application/json; charset=latin1',
      null,
      'Unsupported charset "latin1"; JSON bodies are UTF-8',
    ],
    ['a Content-Encoding', 'application/json', 'gzip', 'Unsupported Content-Encoding "gzip"; send the body as is'],
  ])('415 with a JSON error naming it for %s', async (_name, contentType, encoding, message) => {
    const res = await expectRejectedWithoutChange(
      alice,
      async () => {
        const call = alice.post('/api/runs').set('Content-Type', contentType);
        if (encoding) call.set('Content-Encoding', encoding);
        return call.send(JSON.stringify({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } }));
      },
      415,
    );
    expect(res.body.message).toBe(message);
  });

  it('accepts a body just under 1 MiB as far as size goes', async () => {
    // Under the limit the size is no reason to refuse: it fails validation (unknown parameter) instead.
    const body = JSON.stringify({
      ...recalc(0.5),
      parameters: { category: 'Hardware', seconds: 0.5, padding: 'x'.repeat(900 * 1024) },
    });
    expect(Buffer.byteLength(body)).toBeLessThan(1024 * 1024);
    const res = await postRaw(body);
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });

  it.each([
    ['truncated', '{"task": "sales-report", "parameters": {'],
    ['single quotes', "{'task': 'sales-report'}"],
    ['trailing comma', '{"task": "recalculate-prices", "parameters": {"category": "Hardware"},}'],
    ['not JSON at all', 'task=sales-report'],
  ])('400 with a JSON error for malformed JSON (%s)', async (_name, raw) => {
    await expectRejectedWithoutChange(alice, async () => postRaw(raw), 400);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"sales-report"'],
    ['a number', '42'],
  ])('400 for a JSON body that is %s', async (_name, raw) => {
    await expectRejectedWithoutChange(alice, async () => postRaw(raw), 400);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    expectError(await alice.get('/api/no-such-thing'), 404);
    expectError(await alice.post('/api/runs/00000000-0000-4000-8000-000000000000/explode'), 404);
  });

  it.each([['not-a-uuid'], ['1'], ["' OR '1'='1"], ['x'.repeat(2000)], ['%00']])(
    'answers a malformed run id (%s) with a JSON 404 or 400, never a crash',
    async (id) => {
      for (const path of [
        `/api/runs/${encodeURIComponent(id)}`,
        `/api/runs/${encodeURIComponent(id)}/result`,
        `/api/runs/${encodeURIComponent(id)}/wait?timeout=1`,
      ]) {
        const res = await alice.get(path);
        expect(errorProblems(res, res.status)).toEqual([]);
        expect([400, 404]).toContain(res.status);
      }
      const cancel = await alice.post(`/api/runs/${encodeURIComponent(id)}/cancel`);
      expect([400, 404]).toContain(cancel.status);
      const del = await alice.delete(`/api/runs/${encodeURIComponent(id)}`);
      expect([400, 404]).toContain(del.status);
    },
  );

  it.each([
    ['limit=1e3'],
    ['limit='],
    ['status='],
    ['status=queued&status=running'],
    ['mode=background&mode=foreground'],
    [`cursor=${'A'.repeat(5000)}`],
  ])('answers an odd query (%s) with a result or a JSON 400, never a crash', async (query) => {
    const res = await alice.get(`/api/runs?${query}`);
    if (res.status !== 200) expectError(res, 400);
  });

  it.each([
    [
      'a __proto__ field',
      '{"task":"sales-report","parameters":{"customer":"Acme","year":2024},"__proto__":{}}',
      '__proto__',
    ],
    [
      'a __proto__ parameter that carries the real ones',
      '{"task":"sales-report","parameters":{"__proto__":{"customer":"Acme","year":2024}}}',
      'parameters.__proto__',
    ],
    [
      'a constructor parameter',
      '{"task":"sales-report","parameters":{"customer":"Acme","year":2024,"constructor":{"prototype":{}}}}',
      'parameters.constructor',
    ],
    [
      'a toString field',
      '{"task":"sales-report","parameters":{"customer":"Acme","year":2024},"toString":1}',
      'toString',
    ],
    [
      'a valueOf key in a row',
      '{"task":"sales-report","rows":[{"customer":"Acme","year":2024,"valueOf":1}]}',
      'rows[0].valueOf',
    ],
  ])('400 naming the field for %s (a key of Object.prototype)', async (_name, raw, field) => {
    const res = await expectRejectedWithoutChange(alice, async () => postRaw(raw), 400);
    expectFieldError(res, field);
  });

  it('400, not a crash, for a body nested thousands of levels deep', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (const raw of [
      `{"task":"sales-report","parameters":{"customer":"Acme","year":2024,"x":${deep}}}`,
      `{"task":"sales-report","rows":[${deep}]}`,
      deep,
    ]) {
      await expectRejectedWithoutChange(alice, async () => postRaw(raw), 400);
    }
  });

  it('400 at once for an object with tens of thousands of properties or an array of 300 000 items', async () => {
    const many = Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, 1]));
    for (const [body, field, message] of [
      [{ task: 'sales-report', parameters: { customer: 'Acme', year: 2024, ...many } }, 'parameters', 'properties'],
      [{ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 }, ...many }, '(body)', 'properties'],
      [{ task: 'sales-report', rows: new Array(300_000).fill({}) }, 'rows', 'items'],
      [new Array(300_000).fill(0), '(body)', 'items'],
    ] as const) {
      const res = await expectRejectedWithoutChange(alice, async () => alice.post('/api/runs', body), 400);
      expect(res.body).toMatchObject({
        details: [{ field, message: expect.stringMatching(`^has more than \\d+ ${message}$`) }],
      });
    }
  });

  it('400, not a crash, for a NUL character in a login or a filter (PostgreSQL text cannot hold one)', async () => {
    const login = await request(server.url).post('/api/auth/login').send({ username: 'alice\u0000', password: 'x' });
    expectFieldError(login, 'username');
    const admin = await Api.as(server.url, 'admin');
    expectFieldError(await admin.get('/api/admin/runs?user=%00'), 'user');
  });

  it('431 with a JSON error for headers or a URL over 16 KiB', async () => {
    expectError(await alice.get('/api/runs').set('X-Padding', 'x'.repeat(20_000)), 431);
    expectError(await alice.get(`/api/runs?cursor=${'c'.repeat(20_000)}`), 431);
  });

  it('keeps serving after all of the above', async () => {
    const health = await request(server.url).get('/health');
    expect(health.status).toBe(200);
    const run = await alice.runToEnd(recalc(0.5));
    expect(run.status).toBe('completed');
  });
});
