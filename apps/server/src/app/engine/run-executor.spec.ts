import { getEventListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type EmbeddedApp, startEmbeddedApp } from '../app.testing';
import { Announcer } from './announcer.port';
import { sleep } from '../tasks/builtin/abortable-sleep';
import { TaskFailure, type TaskHandler } from '../tasks/task-handler';
import { TaskRegistry } from '../tasks/task-registry.service';
import { type RunEvent, RunEvents } from './run-events';
import { RunEntity } from '../persistence/run.entity';
import { RunExecutor } from './run-executor';
import { runRow } from '../persistence/run-row.testing';
import { RunWriter } from '../persistence/run-writer';
import { RunsRepository } from '../persistence/runs.repository';

// Races the soak (apps/server/test/soak) found, replayed deterministically on the real engine and a
// real SQLite database: the runs are written straight into the table, the way a dead worker or a
// cancel arriving from another process leaves them.
describe('RunExecutor: cancels that meet a dead worker or a failing handler', () => {
  let embedded: EmbeddedApp;
  let executor: RunExecutor;
  let repository: RunsRepository;
  let writer: RunWriter;
  let registry: TaskRegistry;
  const ownerId = randomUUID();

  beforeAll(async () => {
    embedded = await startEmbeddedApp('executor');
    executor = embedded.app.get(RunExecutor);
    repository = embedded.app.get(RunsRepository);
    writer = embedded.app.get(RunWriter);
    registry = embedded.app.get(TaskRegistry);
  }, 60_000);

  afterAll(async () => {
    await embedded?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  const row = (changes: Partial<RunEntity>): RunEntity => runRow(ownerId, changes);

  function scheduler(status: RunEntity['status'], children: RunEntity['status'][]): RunEntity[] {
    const parent = row({
      status,
      display: {},
      parameters: {},
      scheduler: { total: children.length, completed: 0, failed: 0, cancelled: 0, current: null },
      startedAt: status === 'queued' ? null : new Date().toISOString(),
      attempts: status === 'queued' ? 0 : 1,
    });
    return [
      parent,
      ...children.map((childStatus, position) =>
        row({ status: childStatus, parentId: parent.id, position, attempts: childStatus === 'queued' ? 0 : 1 }),
      ),
    ];
  }

  function salesReport(): TaskHandler {
    const task = registry.get('sales-report');
    if (!task) throw new Error('sales-report is not registered');
    return task.handler;
  }

  const statusOf = async (id: string): Promise<RunEntity> => (await repository.findById(id)) as RunEntity;

  /** Executes the run's job (it must not be handed back) and returns the run events emitted meanwhile. */
  async function executeRecordingEvents(runId: string): Promise<RunEvent[]> {
    const events: RunEvent[] = [];
    const subscription = embedded.app.get(RunEvents).events$.subscribe((event) => events.push(event));
    try {
      expect(await executor.execute({ runId, ownerId }, new AbortController().signal)).not.toBe('queued');
    } finally {
      subscription.unsubscribe();
    }
    return events;
  }

  async function pollUntilStored(id: string, status: RunEntity['status']): Promise<void> {
    for (let i = 0; i < 200 && (await statusOf(id)).status !== status; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await statusOf(id)).status).toBe(status);
  }

  it('ends a scheduler cancelled before its worker died cancelled, with every unfinished subtask', async () => {
    const [parent, done, interrupted, waiting] = scheduler('cancelling', ['completed', 'running', 'queued']) as [
      RunEntity,
      RunEntity,
      RunEntity,
      RunEntity,
    ];
    await writer.insert([parent, done, interrupted, waiting]);
    // The dead worker's half-written PDF.
    const partial = join(embedded.dataDir, 'results', interrupted.id);
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, 'sales-report-Acme-2024.pdf'), '%PDF-1.7 half');

    // BullMQ's stalled-job check hands the job to a live worker.
    expect(await executor.execute({ runId: parent.id, ownerId }, new AbortController().signal)).not.toBe('queued');

    const stored = await statusOf(parent.id);
    expect(stored.status).toBe('cancelled');
    expect(stored.finishedAt).not.toBeNull();
    expect(stored.scheduler).toEqual({ total: 3, completed: 1, failed: 0, cancelled: 2, current: null });
    const children = await repository.findChildren(parent.id);
    expect(children.map((c) => c.status)).toEqual(['completed', 'cancelled', 'cancelled']);
    expect(children.filter((c) => c.status === 'cancelled').every((c) => c.finishedAt !== null)).toBe(true);
    expect(existsSync(partial)).toBe(false);
  });

  it('ends a single run cancelled before its worker died cancelled, without its partial file', async () => {
    const run = row({ status: 'cancelling', startedAt: new Date().toISOString(), attempts: 1 });
    await writer.insert([run]);
    const partial = join(embedded.dataDir, 'results', run.id);
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, 'sales-report-Acme-2024.pdf'), '%PDF-1.7 half');

    expect(await executor.execute({ runId: run.id, ownerId }, new AbortController().signal)).not.toBe('queued');

    expect((await statusOf(run.id)).status).toBe('cancelled');
    expect(existsSync(partial)).toBe(false);
  });

  it('announces again, without a second notification, a run whose worker died between storing its end and announcing it', async () => {
    const run = row({
      status: 'completed',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      result: { type: 'value', value: 42 },
      progressPercent: 100,
      attempts: 1,
      version: 3,
    });
    await writer.insert([run]);
    // BullMQ's stalled-job check hands the finished run's job to a live worker.
    const events = await executeRecordingEvents(run.id);

    expect(events).toEqual([
      { type: 'updated', run: expect.objectContaining({ id: run.id, status: 'completed', version: 3 }) },
    ]);
    expect(await statusOf(run.id)).toMatchObject({ status: 'completed', version: 3, attempts: 1 });
  });

  it('hands a finished run back to the queue only once its last update has left the process', async () => {
    const run = row({});
    await writer.insert([run]);
    jest.spyOn(salesReport(), 'run').mockResolvedValue(undefined);
    let release = (): void => undefined;
    const published = new Promise<void>((resolve) => (release = resolve));
    // An Announcer such as the Redis one, whose publishes Redis has not answered yet.
    const flushed = jest.spyOn(embedded.app.get(Announcer), 'flushed').mockReturnValue(published);
    try {
      let returned = false;
      const executing = executor.execute({ runId: run.id, ownerId }, new AbortController().signal).then((outcome) => {
        returned = true;
        return outcome;
      });
      await pollUntilStored(run.id, 'completed');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(returned).toBe(false);
      release();
      expect(await executing).not.toBe('queued');
    } finally {
      flushed.mockRestore();
    }
  });

  it('announces again the subtasks a dead worker finished, when their scheduler comes back', async () => {
    const [parent, done, failed, waiting] = scheduler('running', ['completed', 'failed', 'queued']) as [
      RunEntity,
      RunEntity,
      RunEntity,
      RunEntity,
    ];
    await writer.insert([parent, { ...done, version: 3 }, { ...failed, version: 3 }, waiting]);
    jest.spyOn(salesReport(), 'run').mockResolvedValue(undefined);
    const events = await executeRecordingEvents(parent.id);

    const updates = (id: string): unknown[] =>
      events.flatMap((e) => (e.type === 'updated' && e.run.id === id ? [[e.run.status, e.run.version]] : []));
    expect(updates(done.id)).toEqual([['completed', 3]]);
    expect(updates(failed.id)).toEqual([['failed', 3]]);
    expect((await statusOf(waiting.id)).status).toBe('completed');
  });

  it('cancels, not fails, a subtask that was cancelled alone when its worker died', async () => {
    const [parent, cancelling, waiting] = scheduler('running', ['cancelling', 'queued']) as [
      RunEntity,
      RunEntity,
      RunEntity,
    ];
    await writer.insert([parent, cancelling, waiting]);
    jest.spyOn(salesReport(), 'run').mockResolvedValue(undefined);

    expect(await executor.execute({ runId: parent.id, ownerId }, new AbortController().signal)).not.toBe('queued');

    expect((await statusOf(cancelling.id)).status).toBe('cancelled');
    expect((await statusOf(waiting.id)).status).toBe('completed');
  });

  it('ends a run cancelled while its handler was failing cancelled, as its user asked', async () => {
    const run = row({});
    await writer.insert([run]);
    // The cancel lands (another process sets `cancelling`) just before the handler fails, and the
    // abort message has not reached this process yet.
    jest.spyOn(salesReport(), 'run').mockImplementation(async (ctx) => {
      await writer.update(ctx.runId, {}, 'cancelling');
      throw new TaskFailure('Unknown customer "Nobody Ltd"');
    });

    expect(await executor.execute({ runId: run.id, ownerId }, new AbortController().signal)).not.toBe('queued');

    const stored = await statusOf(run.id);
    expect(stored.status).toBe('cancelled');
    expect(stored.errorMessage).toBeNull();
    expect(stored.finishedAt).not.toBeNull();
  });

  it('ends a scheduler cancelled while it was finishing cancelled, not failed', async () => {
    const [parent, only] = scheduler('queued', ['queued']) as [RunEntity, RunEntity];
    await writer.insert([parent, only]);
    jest.spyOn(salesReport(), 'run').mockImplementation(async () => {
      await writer.update(parent.id, {}, 'cancelling');
      throw new TaskFailure('Unknown customer "Nobody Ltd"');
    });

    expect(await executor.execute({ runId: parent.id, ownerId }, new AbortController().signal)).not.toBe('queued');

    expect((await statusOf(only.id)).status).toBe('failed');
    const stored = await statusOf(parent.id);
    expect(stored.status).toBe('cancelled');
    expect(stored.result).toBeNull();
  });

  it('still fails a run whose handler fails when nobody cancelled it', async () => {
    const run = row({});
    await writer.insert([run]);
    jest.spyOn(salesReport(), 'run').mockRejectedValue(new TaskFailure('Unknown customer "Nobody Ltd"'));

    await executor.execute({ runId: run.id, ownerId }, new AbortController().signal);

    const stored = await statusOf(run.id);
    expect(stored.status).toBe('failed');
    expect(stored.errorMessage).toBe('Unknown customer "Nobody Ltd"');
  });

  it("keeps a TaskFailure's details as the task wrote them", async () => {
    const run = row({});
    await writer.insert([run]);
    jest
      .spyOn(salesReport(), 'run')
      .mockRejectedValue(new TaskFailure('No orders in 1999', 'Customer Acme, year 1999'));

    await executor.execute({ runId: run.id, ownerId }, new AbortController().signal);

    const stored = await statusOf(run.id);
    expect(stored.errorMessage).toBe('No orders in 1999');
    expect(stored.errorDetails).toBe('Customer Acme, year 1999');
  });

  it("shows an unexpected error's message and a reference, never its stack", async () => {
    const run = row({});
    await writer.insert([run]);
    const unexpected = new TypeError("Cannot read properties of undefined (reading 'total')");
    jest.spyOn(salesReport(), 'run').mockRejectedValue(unexpected);

    await executor.execute({ runId: run.id, ownerId }, new AbortController().signal);

    const stored = await statusOf(run.id);
    expect(stored.status).toBe('failed');
    expect(stored.errorMessage).toBe(unexpected.message);
    expect(stored.errorDetails).toMatch(/reference [0-9a-f]{12}/);
    expect(stored.errorDetails).not.toContain('    at ');
    expect(stored.errorDetails).not.toContain(__filename.split('/').slice(-3, -1).join('/'));
  });

  it('leaves no listener on the worker signal once its runs are over', async () => {
    // The signal that fires when the worker stops lives as long as the process; a listener left
    // behind by every run (and every subtask) was a leak that grew with each run executed.
    const stopping = new AbortController();
    jest.spyOn(salesReport(), 'run').mockResolvedValue(undefined);
    const runs = [row({}), row({}), ...scheduler('queued', ['queued', 'queued', 'queued'])];
    await writer.insert(runs);
    for (const run of runs.filter((r) => r.parentId === null)) {
      expect(await executor.execute({ runId: run.id, ownerId }, stopping.signal)).not.toBe('queued');
      expect((await statusOf(run.id)).status).toBe('completed');
    }
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  });
  it.each(['single', 'scheduler'])(
    'stops a %s run whose abort message never arrived, at its next progress write',
    async (kind) => {
      // Cancelled (or deleted) in another process while Redis was away: only the database knows.
      let steps = 0;
      jest.spyOn(salesReport(), 'run').mockImplementation(async (ctx) => {
        for (; steps < 200; steps++) {
          ctx.progress(steps / 2, `Step ${steps}`);
          await sleep(20, ctx.signal);
        }
      });
      const runs = kind === 'single' ? [row({})] : scheduler('queued', ['queued', 'queued']);
      const [top] = runs as [RunEntity];
      await writer.insert(runs);
      const executing = executor.execute({ runId: top.id, ownerId }, new AbortController().signal);
      while (steps < 10) await new Promise((resolve) => setTimeout(resolve, 10));
      await writer.update(top.id, {}, 'cancelling');

      expect(await executing).not.toBe('queued');
      expect(steps).toBeLessThan(200);
      expect((await statusOf(top.id)).status).toBe('cancelled');
      if (kind === 'scheduler') {
        expect((await repository.findChildren(top.id)).map((c) => c.status)).toEqual(['cancelled', 'cancelled']);
      }
    },
    30_000,
  );
});
