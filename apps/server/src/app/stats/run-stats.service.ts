import { Injectable } from '@nestjs/common';
import type { AdminStats, StatsBucket, StatsWindow } from '@onward/task-domain';

import { percentileMs } from './duration-histogram';
import { type RollupTable, RunStatsRepository, type SummedRow } from './run-stats.repository';

/** How each window is read: its table, the rows per bucket, the buckets, and the minutes per row. */
const WINDOWS: Record<StatsWindow, { table: RollupTable; rowMinutes: number; per: number; buckets: number }> = {
  '1h': { table: 'minutes', rowMinutes: 1, per: 1, buckets: 60 },
  '24h': { table: 'hours', rowMinutes: 60, per: 1, buckets: 24 },
  '7d': { table: 'hours', rowMinutes: 60, per: 24, buckets: 7 },
};

/** The top failing tasks' messages listed by `GET /api/admin/stats`. */
const TOP_ERRORS = 10;

/**
 * `GET /api/admin/stats` from the rollup alone: a window is at most 168 rows per task, however many
 * runs are stored. The current bucket is the last one, still filling.
 */
@Injectable()
export class RunStatsService {
  constructor(private readonly repository: RunStatsRepository) {}

  async read(window: StatsWindow, now = Date.now()): Promise<AdminStats> {
    const { table, rowMinutes, per, buckets } = WINDOWS[window];
    const bucketMinutes = rowMinutes * per;
    const current = Math.floor(now / 60_000 / bucketMinutes);
    const first = current - buckets + 1;
    const sinceRow = first * per;
    const sinceHour = Math.floor((sinceRow * rowMinutes) / 60);
    const [perBucket, perTask, topErrors, unfinished] = await Promise.all([
      this.repository.sum(table, sinceRow, per),
      this.repository.sum(table, sinceRow, 'task'),
      this.repository.topErrors(sinceHour, TOP_ERRORS),
      this.repository.countUnfinished(),
    ]);
    const byKey = new Map<number | string, SummedRow>(perBucket.map((row) => [row.key, row]));
    const series: StatsBucket[] = [];
    for (let b = first; b <= current; b++) {
      const row = byKey.get(b);
      series.push({
        at: new Date(b * bucketMinutes * 60_000).toISOString(),
        started: row?.started ?? 0,
        completed: row?.completed ?? 0,
        failed: row?.failed ?? 0,
        cancelled: row?.cancelled ?? 0,
      });
    }
    const tasks = perTask
      .map((row) => ({
        task: String(row.key),
        runs: row.completed + row.failed + row.cancelled,
        failed: row.failed,
        p50Ms: percentileMs(row.durations, 0.5),
        p95Ms: percentileMs(row.durations, 0.95),
      }))
      .filter((task) => task.runs > 0)
      .sort((a, b) => b.runs - a.runs || a.task.localeCompare(b.task));
    return {
      window,
      buckets: series,
      tasks,
      topErrors: topErrors.map(({ task, message, count }) => ({ task, message, count })),
      ...unfinished,
    };
  }
}
