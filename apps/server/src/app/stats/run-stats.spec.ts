import type { RunStatus, RunView } from '@onward/task-domain';
import { DataSource, type DataSourceOptions } from 'typeorm';

import { MIGRATIONS } from '../database/database.module';
import { createDemoDatabase, type DemoDatabase, describeEachDemoDatabase } from '../demo/demo-databases.testing';
import type { Announcer } from '../engine/announcer.port';
import { RunEvents } from '../engine/run-events';
import { bucketLowerMs, bucketOf, bucketUpperMs } from './duration-histogram';
import { RunStatsRecorder } from './run-stats.recorder';
import { RunStatsRepository } from './run-stats.repository';
import { RunStatsService } from './run-stats.service';

const NOW = Date.parse('2026-03-10T12:30:30.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let sequence = 0;
/** A run view as the engine announces it; only the fields the rollup reads matter. */
function view(task: string, status: RunStatus, startedAt: number, durationMs: number | null, error?: string): RunView {
  return {
    id: `run-${++sequence}`,
    task,
    kind: 'task',
    status,
    parentId: null,
    scheduler: null,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: durationMs === null ? null : new Date(startedAt + durationMs).toISOString(),
    error: error ? { message: error, details: null } : null,
  } as RunView;
}

/** Feeds a run's start and end to `recorder`, as the engine's events would. */
function runThrough(recorder: RunStatsRecorder, run: RunView): void {
  recorder.record(run, 'running');
  if (run.status !== 'running') recorder.record(run, run.status);
}

// The rollup against the real databases: a seeded history read back through each window.
describeEachDemoDatabase('run statistics rollup', (kind) => {
  let database: DemoDatabase;
  let dataSource: DataSource;
  let service: RunStatsService;
  /** Two recorders: two worker processes adding their deltas to the same rows. */
  let recorders: RunStatsRecorder[];
  const durations = Array.from({ length: 100 }, (_, i) => 200 + i * 20); // 200 … 2,180 ms

  beforeAll(async () => {
    database = await createDemoDatabase(kind);
    dataSource = await new DataSource({
      ...database.options,
      entities: [],
      migrations: MIGRATIONS,
    } as DataSourceOptions).initialize();
    const repository = new RunStatsRepository(dataSource);
    const announcer = { announce: () => undefined, flushed: () => Promise.resolve() } as Announcer;
    recorders = [0, 1].map(() => new RunStatsRecorder(new RunEvents(announcer), repository));
    service = new RunStatsService(repository);

    // Five minutes ago: 100 completed sales reports, split between the two processes.
    durations.forEach((d, i) =>
      runThrough(recorders[i % 2], view('sales-report', 'completed', NOW - 5 * MINUTE - d, d)),
    );
    // Twenty minutes ago: three failures (two alike) and two cancels.
    const at = NOW - 20 * MINUTE;
    runThrough(recorders[0], view('sales-report', 'failed', at, 50, 'Unknown customer "Nobody"'));
    runThrough(recorders[1], view('sales-report', 'failed', at, 50, 'Unknown customer "Nobody"'));
    runThrough(recorders[0], view('export-orders', 'failed', at, 50, 'Disk full'));
    runThrough(recorders[0], view('recalculate-prices', 'cancelled', at, 500));
    runThrough(recorders[1], view('recalculate-prices', 'cancelled', at, 500));
    // Five hours and three days ago: outside the 1 h window, inside the longer ones.
    runThrough(recorders[0], view('recalculate-prices', 'completed', NOW - 5 * HOUR, 10_000));
    runThrough(recorders[1], view('recalculate-prices', 'completed', NOW - 72 * HOUR, 30_000));
    // Still running: counted as started only.
    runThrough(recorders[0], view('export-orders', 'running', NOW - 2 * MINUTE, null));
    // A scheduler itself is not counted (its subtasks are).
    runThrough(recorders[0], { ...view('sales-report', 'completed', NOW - MINUTE, 10), scheduler: {} } as RunView);
    await Promise.all(recorders.map((r) => r.flush()));
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.dispose();
  });

  it('1h: sixty minute buckets with the runs in the minutes they started and ended', async () => {
    const stats = await service.read('1h', NOW);
    expect(stats.buckets).toHaveLength(60);
    expect(stats.buckets[59].at).toBe('2026-03-10T12:30:00.000Z');
    expect(stats.buckets[0].at).toBe('2026-03-10T11:31:00.000Z');
    const total = (key: 'started' | 'completed' | 'failed' | 'cancelled'): number =>
      stats.buckets.reduce((sum, b) => sum + b[key], 0);
    expect(total('completed')).toBe(100);
    expect(total('failed')).toBe(3);
    expect(total('cancelled')).toBe(2);
    expect(total('started')).toBe(100 + 5 + 1);
    const fiveAgo = stats.buckets.find((b) => b.at === '2026-03-10T12:25:00.000Z');
    expect(fiveAgo?.completed).toBe(100);
    const twentyAgo = stats.buckets.find((b) => b.at === '2026-03-10T12:10:00.000Z');
    expect(twentyAgo).toMatchObject({ started: 5, failed: 3, cancelled: 2 });
  });

  it('1h: p50 and p95 per task within the bucket resolution', async () => {
    const stats = await service.read('1h', NOW);
    const sales = stats.tasks.find((t) => t.task === 'sales-report');
    expect(sales).toMatchObject({ runs: 102, failed: 2 });
    for (const [q, value] of [
      [0.5, sales?.p50Ms],
      [0.95, sales?.p95Ms],
    ] as const) {
      const exact = durations[Math.ceil(q * durations.length) - 1];
      const bucket = bucketOf(exact);
      expect(value).toBeGreaterThanOrEqual(Math.floor(bucketLowerMs(bucket)));
      expect(value).toBeLessThanOrEqual(Math.ceil(bucketUpperMs(bucket)));
    }
    // Cancelled runs only: counted, no durations.
    expect(stats.tasks.find((t) => t.task === 'recalculate-prices')).toEqual({
      task: 'recalculate-prices',
      runs: 2,
      failed: 0,
      p50Ms: null,
      p95Ms: null,
    });
  });

  it('counts each task’s error messages, most frequent first', async () => {
    const stats = await service.read('1h', NOW);
    expect(stats.topErrors).toEqual([
      { task: 'sales-report', message: 'Unknown customer "Nobody"', count: 2 },
      { task: 'export-orders', message: 'Disk full', count: 1 },
    ]);
  });

  it('24h: hour buckets reach the run five hours ago; 7d: day buckets the one three days ago', async () => {
    const day = await service.read('24h', NOW);
    expect(day.buckets).toHaveLength(24);
    expect(day.buckets[23].at).toBe('2026-03-10T12:00:00.000Z');
    expect(day.buckets.find((b) => b.at === '2026-03-10T07:00:00.000Z')?.completed).toBe(1);
    expect(day.tasks.find((t) => t.task === 'recalculate-prices')?.runs).toBe(3);
    const week = await service.read('7d', NOW);
    expect(week.buckets).toHaveLength(7);
    expect(week.buckets[6].at).toBe('2026-03-10T00:00:00.000Z');
    expect(week.buckets.find((b) => b.at === '2026-03-07T00:00:00.000Z')?.completed).toBe(1);
    expect(week.buckets[6].completed).toBe(101);
    const recalc = week.tasks.find((t) => t.task === 'recalculate-prices');
    expect(recalc?.runs).toBe(4);
    expect(recalc?.p95Ms).toBeGreaterThan(bucketLowerMs(bucketOf(30_000)) - 1);
  });

  it('adds to the rows a flush finds there, and prunes rows older than the cut', async () => {
    runThrough(recorders[1], view('sales-report', 'failed', NOW - 5 * MINUTE, 10, 'Unknown customer "Nobody"'));
    await recorders[1].flush();
    const stats = await service.read('1h', NOW);
    expect(stats.topErrors[0]).toEqual({ task: 'sales-report', message: 'Unknown customer "Nobody"', count: 3 });
    expect(stats.tasks.find((t) => t.task === 'sales-report')?.failed).toBe(3);
    await new RunStatsRepository(dataSource).prune(Math.floor((NOW - 24 * HOUR) / MINUTE));
    const week = await service.read('7d', NOW);
    expect(week.buckets.find((b) => b.at === '2026-03-07T00:00:00.000Z')?.completed).toBe(0);
    expect(week.buckets[6].completed).toBe(101);
  });

  it('counts queued and running runs now from the runs table', async () => {
    const stats = await service.read('1h', NOW);
    expect(stats).toMatchObject({ queued: 0, running: 0 });
  });
});
