import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Api, recalc, salesReport } from './support/api';
import {
  assertPostgresReachable,
  describeEachDatabase,
  dropSchema,
  postgresUrlWithSchema,
  uniqueSchemaName,
} from './support/databases';
import { ServerProcess, ensureBuiltServer } from './support/process';
import { deleteRedisPrefix, redisUrlWithPrefix, uniqueRedisPrefix } from './support/redis';
import { TusClient } from './support/uploads';

// Nothing is lost: the built server as a real process, killed with SIGKILL and started again on the
// same data folder (and database).
describeEachDatabase('restart recovery', (db) => {
  let dataDir: string;
  let schema: string | null = null;
  let redisPrefix: string | null = null;
  let env: Record<string, string>;
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    if (db !== 'sqlite') await assertPostgresReachable();
    ensureBuiltServer();
    dataDir = mkdtempSync(join(tmpdir(), 'onward-restart-'));
    env = { ONWARD_DATA_DIR: dataDir, ONWARD_CONCURRENCY: '1', ONWARD_LOG_LEVEL: 'warn' };
    if (db !== 'sqlite') {
      schema = uniqueSchemaName();
      env['DATABASE_URL'] = postgresUrlWithSchema(schema);
    }
    if (db === 'postgres+redis') {
      redisPrefix = uniqueRedisPrefix();
      env['REDIS_URL'] = redisUrlWithPrefix(redisPrefix);
    }
  }, 360_000);

  afterAll(async () => {
    for (const p of processes) await p.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
    if (redisPrefix) await deleteRedisPrefix(redisPrefix);
  }, 60_000);

  async function start(): Promise<ServerProcess> {
    const p = await ServerProcess.start(env);
    processes.push(p);
    return p;
  }

  it('fails the run that was running as interrupted and runs the queued ones after a SIGKILL', async () => {
    const first = await start();
    const alice = await Api.as(first.url, 'alice');
    const running = await alice.startRun(recalc(60));
    await alice.pollRun(running.id, (r) => r.status === 'running', 20_000, 'running');
    const queued = [await alice.startRun(recalc(0.5, 'Software')), await alice.startRun(salesReport('Umbrella', 2025))];
    for (const run of queued) expect((await alice.getRun(run.id)).status).toBe('queued');

    await first.kill();
    const second = await start();
    // The signing key is kept in the data folder, so the token from before still works.
    const again = new Api(second.url, alice.token, alice.login);

    const interrupted = await again.waitFinished(running.id, 30_000);
    expect(interrupted.status).toBe('failed');
    expect(interrupted.error?.message).toMatch(/interrupted/i);
    expect(interrupted.finishedAt).not.toBeNull();

    const [value, report] = await Promise.all(queued.map((run) => again.waitFinished(run.id, 60_000)));
    expect(value?.status).toBe('completed');
    expect(value?.result).toEqual({
      type: 'value',
      value: { updated: expect.any(Number) },
      summary: expect.stringMatching(/^\d+ prices? updated$/),
    });
    expect(report?.status).toBe('completed');
    const pdf = await again.resultBytes(report?.id as string);
    expect(pdf.status).toBe(200);
    expect(pdf.body.subarray(0, 4).toString('latin1')).toBe('%PDF');

    // A killed server leaves nothing running behind.
    const running2 = await again.list('?status=running,cancelling,queued');
    expect(running2.items).toEqual([]);
  }, 180_000);

  it('keeps a half-done upload running across a SIGKILL; its client resumes it', async () => {
    const first = await start();
    const alice = await Api.as(first.url, 'alice');
    const bytes = randomBytes(100_000);
    const id = await new TusClient(first.url, alice.token).start(bytes.length, 'resumed.bin');
    await new TusClient(first.url, alice.token).send(id, bytes.subarray(0, 40_000));

    await first.kill();
    const second = await start();
    const again = new Api(second.url, alice.token, alice.login);
    const tus = new TusClient(second.url, alice.token);
    // Recovery has run once the server answers: the upload is not "Interrupted".
    expect(await again.getRun(id)).toMatchObject({ status: 'running', error: null });
    expect(await tus.offset(id)).toBe(40_000);
    await tus.send(id, bytes, 40_000);
    expect((await again.getRun(id)).status).toBe('completed');
    expect(Buffer.compare((await tus.download(id)).body as Buffer, bytes)).toBe(0);
  }, 180_000);
});
