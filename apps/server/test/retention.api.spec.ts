import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Api, recalc, salesReport } from './support/api';
import type { RunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { bootServer, type TestServer, useServer } from './support/server';
import { type RunsSocket, connectRuns } from './support/sockets';
import { allStoredRows } from './support/stored-rows';

const RETENTION = {
  ONWARD_RETENTION: '20s',
  // A pass every half second instead of every minute, so the test waits about the retention only.
  ONWARD_RETENTION_SWEEP_MS: '500',
  // One run of a user at a time: a second one waits `queued`.
  ONWARD_USER_CONCURRENCY: '1',
};

/** A result folder of no run, with a file in it, last changed `ageMs` ago. */
function orphanFolder(server: TestServer, ageMs: number): string {
  const folder = join(server.dataDir, 'results', randomUUID());
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'left-over.pdf'), 'not a run of anyone');
  const at = new Date(Date.now() - ageMs);
  utimesSync(folder, at, at);
  return folder;
}

describeEachDatabase('retention (ONWARD_RETENTION)', (db) => {
  const server = useServer(db, RETENTION);
  /** In Redis mode a second process that executes work sweeps too, on the same database. */
  let second: TestServer | null = null;
  let alice: Api;
  let socket: RunsSocket;

  beforeAll(async () => {
    if (db === 'postgres+redis') second = await bootServer(db, RETENTION, { shareWith: server, listen: false });
    alice = await Api.as(server.url, 'alice');
    socket = await connectRuns(server.url, alice.token as string);
  }, 60_000);
  afterAll(async () => {
    socket?.close();
    await second?.close();
  }, 60_000);

  it('deletes finished runs with their subtasks and files after the retention, never queued or running ones', async () => {
    const single = await alice.runToEnd(salesReport('Acme'));
    const failed = await alice.runToEnd(salesReport('Nobody Inc'));
    const scheduler = await alice.startRun({
      task: 'sales-report',
      rows: [
        { customer: 'Globex', year: 2024 },
        { customer: 'Initech', year: 2025 },
      ],
    });
    const finishedScheduler = await alice.waitFinished(scheduler.id);
    expect([single.status, failed.status, finishedScheduler.status]).toEqual(['completed', 'failed', 'completed']);
    const children = (await alice.getRun(scheduler.id)).children as RunView[];
    expect(children).toHaveLength(2);
    const finished = [single, failed, finishedScheduler];
    const withFiles = [single.id, scheduler.id, ...children.map((c) => c.id)];
    for (const id of withFiles) expect(existsSync(join(server.dataDir, 'results', id))).toBe(true);

    const running = await alice.startRun(recalc(120));
    await alice.pollRun(running.id, (r) => r.status === 'running', 20_000, 'running');
    const queued = await alice.startRun(recalc(1));
    expect((await alice.getRun(queued.id)).status).toBe('queued');
    const oldOrphan = orphanFolder(server, 60 * 60_000);
    const youngOrphan = orphanFolder(server, 0);

    for (const run of finished) await socket.waitFor<{ id: string }>('run.deleted', (e) => e.id === run.id, 40_000);

    for (const id of [...finished.map((r) => r.id), ...children.map((c) => c.id)]) {
      expect((await alice.get(`/api/runs/${id}`)).status).toBe(404);
    }
    for (const id of withFiles) expect(existsSync(join(server.dataDir, 'results', id))).toBe(false);
    const storedIds = new Set(
      (await allStoredRows(server)).filter((row) => row.__table === 'runs').map((row) => String(row['id'])),
    );
    for (const id of [...finished.map((r) => r.id), ...children.map((c) => c.id)])
      expect(storedIds.has(id)).toBe(false);
    // Each deletion is announced once, even with two processes sweeping the same database.
    const deletions = socket.payloads<{ id: string }>('run.deleted').map((e) => e.id);
    for (const run of finished) expect(deletions.filter((id) => id === run.id)).toHaveLength(1);

    expect(existsSync(oldOrphan)).toBe(false);
    expect(existsSync(youngOrphan)).toBe(true);
    expect((await alice.getRun(running.id)).status).toBe('running');
    expect((await alice.getRun(queued.id)).status).toBe('queued');
    expect((await alice.list('?limit=200')).items.map((r) => r.id).sort()).toEqual([running.id, queued.id].sort());

    await alice.post(`/api/runs/${running.id}/cancel`);
    await alice.post(`/api/runs/${queued.id}/cancel`);
    await alice.waitFinished(running.id, 20_000);
  }, 120_000);
});
