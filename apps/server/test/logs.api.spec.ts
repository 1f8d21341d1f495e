import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

import { Api } from './support/api';
import type { RunView } from './support/contract';
import { assertPostgresReachable, dropSchema, postgresUrlWithSchema, uniqueSchemaName } from './support/databases';
import { ensureBuiltServer, ServerProcess } from './support/process';

const PASSWORD = 'Correct-Horse-Battery-7';
const SECRET = 'sk-live-0b5e9d1c7a';

// On PostgreSQL: a stored procedure's run writes lines of its own (its NOTICEs) besides the engine's.
describe('structured logs (ONWARD_LOG_FORMAT=json)', () => {
  const schema = uniqueSchemaName();
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    await assertPostgresReachable();
    ensureBuiltServer();
    dataDir = mkdtempSync(join(tmpdir(), 'onward-logs-'));
    server = await ServerProcess.start({
      ONWARD_DATA_DIR: dataDir,
      DATABASE_URL: postgresUrlWithSchema(schema),
      ONWARD_LOG_FORMAT: 'json',
      ONWARD_LOG_LEVEL: 'debug',
      ONWARD_BENCH_TASKS: 'true',
      ONWARD_DEMO_USERS: 'false',
      ONWARD_BOOTSTRAP_ADMIN: `root:${PASSWORD}`,
    });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('writes one JSON object a line, with request ids, run fields, and no credentials or secrets', async () => {
    const login = await request(server.url).post('/api/auth/login').send({ username: 'root', password: PASSWORD });
    expect(login.status).toBe(200);
    const token = (login.body as { accessToken: string }).accessToken;
    const api = new Api(server.url, token);
    const start = await api
      .post('/api/runs', { task: 'bench-noop', parameters: { ms: 50, apiKey: SECRET } })
      .set('X-Request-Id', 'trace-me-42');
    expect(start.status).toBe(202);
    expect(start.headers['x-request-id']).toBe('trace-me-42');
    const run = await api.waitFinished((start.body as { id: string }).id);
    expect(run.status).toBe('completed');
    const procedure = await api.runToEnd({
      task: 'bench-procedure-steps',
      parameters: { steps: 2, step_seconds: 0.05, tag: 'logs' },
    });
    expect(procedure.status).toBe('completed');
    // An id that is no plain token is replaced by a fresh one.
    const odd = await api.get('/api/tasks').set('X-Request-Id', 'bad id\twith spaces');
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await server.stop();

    const entries = server.logEntries;
    for (const entry of entries) {
      expect(typeof entry['level']).toBe('number');
      expect(typeof entry['time']).toBe('number');
      expect(typeof entry['msg']).toBe('string');
    }
    const requests = entries.filter((entry) => entry['req'] !== undefined);
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const entry of requests) expect(typeof entry['reqId']).toBe('string');
    expect(requests.some((entry) => entry['reqId'] === 'trace-me-42')).toBe(true);
    // Every line whose text names a run of this test carries that run's fields, whichever part wrote it.
    const linesAbout = (about: RunView): Record<string, unknown>[] => {
      const lines = entries.filter((entry) => typeof entry['msg'] === 'string' && entry['msg'].includes(about.id));
      for (const entry of lines) {
        expect({ msg: entry['msg'], runId: entry['runId'], task: entry['task'], userId: entry['userId'] }).toEqual({
          msg: entry['msg'],
          runId: about.id,
          task: about.task,
          userId: about.owner.id,
        });
      }
      return lines;
    };
    const noopLines = linesAbout(run);
    expect(noopLines.length).toBeGreaterThanOrEqual(2);
    expect(noopLines.some((entry) => JSON.stringify(entry['parameters']) === '{"ms":50,"apiKey":"[redacted]"}')).toBe(
      true,
    );
    // The procedure's own NOTICEs (not progress) are among its lines.
    const procedureLines = linesAbout(procedure);
    expect(procedureLines.filter((entry) => /NOTICE step \d begins/.test(entry['msg'] as string))).toHaveLength(2);
    const text = server.log;
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(token);
    expect(text).not.toContain(SECRET);
  }, 60_000);
});
