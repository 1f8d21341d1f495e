import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { Api, recalc, salesReport } from './support/api';
import { type RunView, expectError, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { type RunsSocket, connectRuns } from './support/sockets';

/** Every file under `dir` whose bytes equal `content`. */
function filesWithContent(dir: string, content: Buffer): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) found.push(...filesWithContent(path, content));
    else if (stat.size === content.length && readFileSync(path).equals(content)) found.push(path);
  }
  return found;
}

describeEachDatabase('cancel, move to background and delete', (db) => {
  const server = useServer(db);
  let alice: Api;
  let socket: RunsSocket;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    socket = await connectRuns(server.url, alice.token as string);
  });
  afterAll(() => socket?.close());

  // Each test leaves nothing running behind, even when it fails: later tests count on free slots.
  afterEach(async () => {
    const active = await alice.list('?status=queued,running,cancelling&limit=200');
    for (const run of active.items) if (run.status !== 'cancelling') await alice.post(`/api/runs/${run.id}/cancel`);
    for (const run of active.items) await alice.waitFinished(run.id, 20_000);
  }, 60_000);

  /** Starts three long runs of alice and waits until all three hold her run slots. */
  async function fillAliceSlots(): Promise<RunView[]> {
    const long = await Promise.all([0, 1, 2].map(() => alice.startRun(recalc(30))));
    try {
      for (const run of long) await alice.pollRun(run.id, (r) => r.status === 'running', 20_000, 'running');
    } catch (error) {
      const active = await alice.list('?status=queued,running,cancelling&limit=200');
      const held = active.items.map((r) => `${r.id} ${r.task} ${r.status} created ${r.createdAt}`).join('\n  ');
      throw new Error(`${(error as Error).message}\nalice's unfinished runs:\n  ${held}`);
    }
    return long;
  }

  async function cancelAndWait(runs: RunView[]): Promise<void> {
    for (const run of runs) await alice.post(`/api/runs/${run.id}/cancel`);
    for (const run of runs) await alice.waitFinished(run.id, 20_000);
  }

  describe('POST /api/runs/:id/cancel', () => {
    it('cancels a queued run at once; it never starts', async () => {
      const long = await fillAliceSlots();
      try {
        const waiting = await alice.startRun(recalc(0.5));
        expect((await alice.getRun(waiting.id)).status).toBe('queued');
        const res = await alice.post(`/api/runs/${waiting.id}/cancel`);
        expect(res.status).toBe(202);
        const view = expectRunView(res.body);
        expect(view).toMatchObject({ id: waiting.id, status: 'cancelled', startedAt: null, result: null });
        expect(view.finishedAt).not.toBeNull();
        expect(view.version).toBeGreaterThan(waiting.version);
        expect((await alice.getRun(waiting.id)).status).toBe('cancelled');
      } finally {
        await cancelAndWait(long);
      }
    }, 60_000);

    it('moves a running recalculate-prices to cancelling, then cancelled once it has stopped', async () => {
      const run = await alice.startRun(recalc(30));
      await alice.pollRun(run.id, (r) => r.status === 'running', 20_000, 'running');
      const res = await alice.post(`/api/runs/${run.id}/cancel`);
      expect(res.status).toBe(202);
      expect(expectRunView(res.body).status).toBe('cancelling');
      // A 30-second job must stop well before its end: /wait (≤ 20 s) returns it cancelled.
      const finished = await alice.waitFinished(run.id, 20_000);
      expect(finished.status).toBe('cancelled');
      expect(finished.result).toBeNull();
      expect(finished.finishedAt).not.toBeNull();

      const cancelled = await socket.waitForRun(run.id, (r) => r.status === 'cancelled');
      const cancelling = await socket.waitForRun(run.id, (r) => r.status === 'cancelling');
      expect(cancelled.version).toBeGreaterThan(cancelling.version);
    }, 60_000);

    it('409 for a finished run, which stays as it was', async () => {
      const completed = await alice.runToEnd(recalc(0.5));
      const failed = await alice.runToEnd(salesReport('Nobody', 2024));
      for (const run of [completed, failed]) {
        expectError(await alice.post(`/api/runs/${run.id}/cancel`), 409);
        expect(await alice.getRun(run.id)).toMatchObject({ status: run.status, version: run.version });
      }
      const running = await alice.startRun(recalc(30));
      await alice.pollRun(running.id, (r) => r.status === 'running', 20_000, 'running');
      await alice.post(`/api/runs/${running.id}/cancel`);
      const cancelled = await alice.waitFinished(running.id, 20_000);
      expect(cancelled.status).toBe('cancelled');
      expectError(await alice.post(`/api/runs/${running.id}/cancel`), 409);
    }, 60_000);
  });

  describe('PATCH /api/runs/:id', () => {
    it('moves a foreground recalculate-prices to the background', async () => {
      const run = await alice.startRun(recalc(10));
      expect(run.mode).toBe('foreground');
      const res = await alice.patch(`/api/runs/${run.id}`, { mode: 'background' });
      expect(res.status).toBe(200);
      const moved = expectRunView(res.body);
      expect(moved).toMatchObject({ id: run.id, mode: 'background' });
      expect(moved.version).toBeGreaterThan(run.version);
      expect((await alice.getRun(run.id)).mode).toBe('background');
      await socket.waitForRun(run.id, (r) => r.mode === 'background');
      expect((await alice.list('?mode=background&limit=200')).items.map((r) => r.id)).toContain(run.id);
      await cancelAndWait([run]);
    }, 30_000);

    it('accepts it for a background-only task already in the background', async () => {
      const run = await alice.startRun(salesReport('Acme', 2024));
      const res = await alice.patch(`/api/runs/${run.id}`, { mode: 'background' });
      expect(res.status).toBe(200);
      expect(expectRunView(res.body).mode).toBe('background');
      await alice.waitFinished(run.id);
    });

    it('409 for print-preview (awaitResult yes), which stays in the foreground', async () => {
      const run = await alice.startRun({ task: 'print-preview', parameters: { customer: 'Initech' } });
      expectError(await alice.patch(`/api/runs/${run.id}`, { mode: 'background' }), 409);
      expect((await alice.getRun(run.id)).mode).toBe('foreground');
      await alice.waitFinished(run.id);
    });

    it('400 for a body that is not { mode: "background" }', async () => {
      const run = await alice.startRun(recalc(10));
      expectError(await alice.patch(`/api/runs/${run.id}`, { mode: 'sideways' }), 400);
      expectError(await alice.patch(`/api/runs/${run.id}`, {}), 400);
      expect((await alice.getRun(run.id)).mode).toBe('foreground');
      await cancelAndWait([run]);
    }, 30_000);
  });

  describe('DELETE /api/runs/:id', () => {
    it('204, then the run answers 404 everywhere and its file is gone', async () => {
      const run = await alice.runToEnd(salesReport('Stark', 2025));
      expect(run.status).toBe('completed');
      const pdf = (await alice.resultBytes(run.id)).body;
      expect(filesWithContent(server.dataDir, pdf).length).toBeGreaterThan(0);

      const res = await alice.delete(`/api/runs/${run.id}`);
      expect(res.status).toBe(204);
      expect(res.text ?? '').toBe('');
      const base = `/api/runs/${run.id}`;
      for (const [name, call] of [
        ['GET', () => alice.get(base)],
        ['result', () => alice.get(`${base}/result`)],
        ['wait', () => alice.get(`${base}/wait?timeout=1`)],
        ['cancel', () => alice.post(`${base}/cancel`)],
        ['PATCH', () => alice.patch(base, { mode: 'background' })],
        ['DELETE', () => alice.delete(base)],
      ] as const) {
        const answer = await call();
        try {
          expectError(answer, 404);
        } catch (error) {
          throw new Error(`${name} after delete: ${(error as Error).message}`);
        }
      }
      expect(await alice.allRunIds()).not.toContain(run.id);
      await socket.waitFor<{ id: string }>('run.deleted', (p) => p.id === run.id);
      expect(filesWithContent(server.dataDir, pdf)).toEqual([]);
    });

    it('deletes running runs, which stop and free their slots', async () => {
      const long = await fillAliceSlots();
      for (const run of long) expect((await alice.delete(`/api/runs/${run.id}`)).status).toBe(204);
      for (const run of long) expectError(await alice.get(`/api/runs/${run.id}`), 404);
      // The three 30-second runs held all of alice's slots: a new run can only finish if they stopped.
      const next = await alice.runToEnd(recalc(0.5), 20_000);
      expect(next.status).toBe('completed');
      const ids = await alice.allRunIds();
      for (const run of long) expect(ids).not.toContain(run.id);
    }, 60_000);

    it('deletes a queued run', async () => {
      const long = await fillAliceSlots();
      try {
        const waiting = await alice.startRun(recalc(0.5));
        expect((await alice.getRun(waiting.id)).status).toBe('queued');
        expect((await alice.delete(`/api/runs/${waiting.id}`)).status).toBe(204);
        expectError(await alice.get(`/api/runs/${waiting.id}`), 404);
      } finally {
        await cancelAndWait(long);
      }
    }, 60_000);

    it('takes a scheduler’s subtasks with it', async () => {
      const scheduler = await alice.startRun({
        task: 'recalculate-prices',
        rows: [
          { category: 'Hardware', seconds: 30 },
          { category: 'Software', seconds: 30 },
        ],
      });
      const children = (await alice.getRun(scheduler.id)).children ?? [];
      expect(children).toHaveLength(2);
      expect((await alice.delete(`/api/runs/${scheduler.id}`)).status).toBe(204);
      expectError(await alice.get(`/api/runs/${scheduler.id}`), 404);
      for (const child of children) expectError(await alice.get(`/api/runs/${child.id}`), 404);
      await socket.waitFor<{ id: string }>('run.deleted', (p) => p.id === scheduler.id);
    }, 30_000);
  });
  // Last in the file on purpose: when it fails, a handler still running holds one of alice's slots.
  describe('cancelling a run the moment it was started', () => {
    it('stops its handler: the run frees its slot once it shows cancelled', async () => {
      for (let i = 0; i < 6; i++) {
        const run = await alice.startRun(recalc(30));
        expect((await alice.post(`/api/runs/${run.id}/cancel`)).status).toBe(202);
        expect((await alice.waitFinished(run.id, 20_000)).status).toBe('cancelled');
      }
      // None of the six may still be working: alice's three slots are free for three new runs.
      await fillAliceSlots();
    }, 90_000);
  });
});
