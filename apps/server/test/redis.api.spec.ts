import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Api, recalc, salesReport } from './support/api';
import type { RunView } from './support/contract';
import { assertPostgresReachable, dropSchema, postgresUrlWithSchema, uniqueSchemaName } from './support/databases';
import { ServerProcess, ensureBuiltServer } from './support/process';
import { deleteRedisPrefix, redisUrlWithPrefix, uniqueRedisPrefix } from './support/redis';
import { describeNeeding } from './support/services';
import { connectRuns, maxOverlap } from './support/sockets';

// Redis mode: several real server processes (the built server) share one PostgreSQL schema, one
// data folder, one Redis key prefix and one signing key. SQLite is one process's database, so this
// suite runs on PostgreSQL only.
const SECRET = 'redis-mode-test-signing-key-0123456789';

/** One installation: its shared configuration, its processes, and its clean-up. */
function useInstallation(extra: Record<string, string> = {}) {
  const prefix = uniqueRedisPrefix();
  const schema = uniqueSchemaName();
  const processes: ServerProcess[] = [];
  const installation = {
    env: {} as Record<string, string>,
    dataDir: '',
    async start(role: 'all' | 'api' | 'worker'): Promise<ServerProcess> {
      const p = await ServerProcess.start(
        { ...installation.env, ONWARD_ROLE: role },
        { waitHealthy: role !== 'worker' },
      );
      processes.push(p);
      return p;
    },
    /** Stops every process with SIGTERM; tells which did not exit by themselves. */
    async stopAll(): Promise<string[]> {
      const stuck: string[] = [];
      for (const [i, p] of processes.splice(0).entries()) {
        if (!(await p.stop()).exitedBySelf) stuck.push(`process ${i}:\n${p.log.slice(-2000)}`);
      }
      return stuck;
    },
  };
  beforeAll(async () => {
    await assertPostgresReachable();
    ensureBuiltServer();
    installation.dataDir = mkdtempSync(join(tmpdir(), 'onward-redis-'));
    installation.env = {
      ONWARD_DATA_DIR: installation.dataDir,
      DATABASE_URL: postgresUrlWithSchema(schema),
      REDIS_URL: redisUrlWithPrefix(prefix),
      ONWARD_JWT_SECRET: SECRET,
      ONWARD_LOG_LEVEL: 'warn',
      ...extra,
    };
  }, 360_000);
  afterAll(async () => {
    await installation.stopAll();
    if (installation.dataDir) rmSync(installation.dataDir, { recursive: true, force: true });
    await dropSchema(schema);
    await deleteRedisPrefix(prefix);
  }, 90_000);
  return installation;
}

describeNeeding(['postgres', 'redis'], 'Redis mode (postgres, real processes)', () => {
  describe('two processes that both serve and work', () => {
    const installation = useInstallation({ ONWARD_CONCURRENCY: '4', ONWARD_USER_CONCURRENCY: '3' });
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      a = await installation.start('all');
      b = await installation.start('all');
    }, 60_000);

    it('sends an update made on one process to a socket connected to the other', async () => {
      const aliceOnA = await Api.as(a.url, 'alice');
      const socket = await connectRuns(a.url, aliceOnA.token as string);
      try {
        const aliceOnB = new Api(b.url, aliceOnA.token, aliceOnA.login);
        const run = await aliceOnB.startRun(recalc(1));
        const done = await socket.waitForRun(run.id, (r) => r.status === 'completed', 30_000);
        expect(done.result).toEqual({
          type: 'value',
          value: { updated: expect.any(Number) },
          summary: expect.stringMatching(/^\d+ prices? updated$/),
        });
        expect(socket.updates((r) => r.id === run.id).some((r) => r.status === 'running')).toBe(true);

        expect((await aliceOnB.delete(`/api/runs/${run.id}`)).status).toBe(204);
        await socket.waitFor<{ id: string }>('run.deleted', (p) => p.id === run.id);
      } finally {
        socket.close();
      }
    });

    it('cancels from one process a run that the other may be executing', async () => {
      const onA = await Api.as(a.url, 'bob');
      const onB = new Api(b.url, onA.token, onA.login);
      const run = await onA.startRun(recalc(30));
      await onB.pollRun(run.id, (r) => r.status === 'running', 20_000, 'running');
      const res = await onB.post(`/api/runs/${run.id}/cancel`);
      expect(res.status).toBe(202);
      expect((await onA.waitFinished(run.id, 20_000)).status).toBe('cancelled');
    }, 40_000);

    it('keeps one user to 3 runs at once over both processes', async () => {
      const onA = await Api.as(a.url, 'alice');
      const onB = new Api(b.url, onA.token, onA.login);
      const runs: RunView[] = [];
      for (let i = 0; i < 6; i++) runs.push(await (i % 2 ? onB : onA).startRun(recalc(2)));
      const finished = await Promise.all(runs.map((r) => onA.waitFinished(r.id)));
      expect(finished.map((r) => r.status)).toEqual(Array(6).fill('completed'));
      expect(maxOverlap(finished)).toBe(3);
    }, 60_000);

    it('each process exits by itself on SIGTERM', async () => {
      expect(await installation.stopAll()).toEqual([]);
    }, 60_000);
  });

  describe('an API process and a worker process', () => {
    const installation = useInstallation();
    let api: ServerProcess;

    beforeAll(async () => {
      api = await installation.start('api');
      await installation.start('worker');
    }, 60_000);

    it('hands runs to the worker and serves their results', async () => {
      const alice = await Api.as(api.url, 'alice');
      const socket = await connectRuns(api.url, alice.token as string);
      try {
        const report = await alice.runToEnd(salesReport('Acme', 2025));
        expect(report.status).toBe('completed');
        const pdf = await alice.resultBytes(report.id);
        expect(pdf.status).toBe(200);
        expect(pdf.body.subarray(0, 4).toString('latin1')).toBe('%PDF');
        await socket.waitForRun(report.id, (r) => r.status === 'completed');
        expect(socket.notifications(report.id).map((n) => n.event)).toEqual(['started', 'finished']);
      } finally {
        socket.close();
      }
    }, 40_000);

    it('stops a running run on the worker when it is cancelled on the API', async () => {
      const alice = await Api.as(api.url, 'alice');
      const run = await alice.startRun(recalc(30));
      await alice.pollRun(run.id, (r) => r.status === 'running', 20_000, 'running');
      const res = await alice.post(`/api/runs/${run.id}/cancel`);
      expect(res.status).toBe(202);
      expect((await alice.waitFinished(run.id, 20_000)).status).toBe('cancelled');
    }, 40_000);

    it('each process exits by itself on SIGTERM', async () => {
      expect(await installation.stopAll()).toEqual([]);
    }, 60_000);
  });
});
