import request from 'supertest';

import { Api } from './support/api';
import { type TaskDefinition, expectError } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';

const PARAMETER_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'file'];

describeEachDatabase('catalogue, health and docs', (db) => {
  const server = useServer(db);

  async function catalogue(): Promise<TaskDefinition[]> {
    const res = await (await Api.as(server.url, 'bob')).get('/api/tasks');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    return res.body as TaskDefinition[];
  }

  it('GET /api/tasks needs a token', async () => {
    expectError(await Api.anonymous(server.url).get('/api/tasks'), 401);
  });

  it('every task definition has the documented shape', async () => {
    const tasks = await catalogue();
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
    for (const task of tasks) {
      expect(task).toEqual({
        id: expect.any(String),
        title: expect.any(String),
        kind: expect.stringMatching(/^(task|report)$/),
        awaitResult: expect.stringMatching(/^(yes|no|optional)$/),
        background: expect.any(Boolean),
        displayParameters: expect.any(Array),
        parameters: expect.any(Array),
      });
      const names = task.parameters.map((p) => p.name);
      for (const shown of task.displayParameters) expect(names).toContain(shown);
      for (const parameter of task.parameters) {
        expect(parameter).toMatchObject({
          name: expect.any(String),
          label: expect.any(String),
          required: expect.any(Boolean),
        });
        expect(PARAMETER_TYPES).toContain(parameter.type);
      }
    }
  });

  it('holds sales-report as documented', async () => {
    const task = (await catalogue()).find((t) => t.id === 'sales-report');
    expect(task).toMatchObject({
      kind: 'report',
      awaitResult: 'no',
      background: true,
      displayParameters: ['customer', 'year'],
    });
    expect(task?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'customer', type: 'string', required: true }),
        expect.objectContaining({ name: 'year', type: 'integer', required: true }),
      ]),
    );
  });

  it('holds recalculate-prices as documented', async () => {
    const task = (await catalogue()).find((t) => t.id === 'recalculate-prices');
    expect(task).toMatchObject({ kind: 'task', awaitResult: 'optional', background: true });
    expect(task?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'category', type: 'string', required: true }),
        expect.objectContaining({ name: 'seconds', type: 'number', required: false, default: 10 }),
      ]),
    );
  });

  it('holds print-preview as documented', async () => {
    const task = (await catalogue()).find((t) => t.id === 'print-preview');
    expect(task).toMatchObject({ kind: 'report', awaitResult: 'yes', background: false });
    expect(task?.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'customer', type: 'string', required: true })]),
    );
  });

  it('does not list the benchmark-only bench-noop and bench-file tasks by default', async () => {
    const ids = (await catalogue()).map((t) => t.id);
    expect(ids).not.toContain('bench-noop');
    expect(ids).not.toContain('bench-file');
  });

  describe('with ONWARD_BENCH_TASKS=true', () => {
    const bench = useServer(db, { ONWARD_BENCH_TASKS: 'true' });

    it('lists bench-noop, which completes with a null value and reports progress while it lasts', async () => {
      const api = await Api.as(bench.url, 'bob');
      const tasks = (await api.get('/api/tasks')).body as TaskDefinition[];
      expect(tasks.find((t) => t.id === 'bench-noop')).toMatchObject({ kind: 'task', background: true });
      const instant = await api.runToEnd({ task: 'bench-noop', parameters: {}, mode: 'background' });
      expect(instant).toMatchObject({ status: 'completed', result: { type: 'value', value: null } });
      const timed = await api.runToEnd({ task: 'bench-noop', parameters: { ms: 100 }, mode: 'background' });
      expect(timed).toMatchObject({ status: 'completed', progress: { percent: 100 } });
    });

    it('lists bench-file, which completes with a small text file named after its row', async () => {
      const api = await Api.as(bench.url, 'bob');
      const run = await api.runToEnd({ task: 'bench-file', parameters: { row: 7 }, mode: 'background' });
      expect(run).toMatchObject({ status: 'completed', result: { type: 'file', fileName: 'bench-7.txt' } });
      const file = await api.get(`/api/runs/${run.id}/result`);
      expect(file.status).toBe(200);
      expect(file.text).toMatch(/^Row 7 of a benchmark selection/);
    });
  });

  it('GET /health answers without a token', async () => {
    const res = await request(server.url).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
    expect(res.body).toHaveProperty('database');
    expect(res.body).toHaveProperty('queue');
    expect(res.body.database).not.toBeNull();
    expect(res.body.queue).not.toBeNull();
  });

  it('serves the OpenAPI UI and document', async () => {
    const ui = await request(server.url).get('/api/docs').redirects(2);
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.text).toMatch(/swagger|openapi|redoc/i);

    // The document's path is not in API.md: accept Nest's usual places.
    const candidates = ['/api/docs-json', '/api/docs/json', '/api-json', '/api/docs/openapi.json', '/api/openapi.json'];
    const found: string[] = [];
    for (const path of candidates) {
      const res = await request(server.url).get(path);
      const body = res.body as { openapi?: unknown; paths?: Record<string, unknown> };
      if (res.status === 200 && typeof body.openapi === 'string') {
        found.push(path);
        expect(Object.keys(body.paths ?? {})).toEqual(expect.arrayContaining(['/api/runs', '/api/tasks']));
      }
    }
    expect(found.length).toBeGreaterThan(0);
  });
});
