import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { type RunView } from '@onward/task-domain';
import type { Subscription } from 'rxjs';

import { PeriodicPass } from '../common/periodic-pass';
import { RunEvents } from '../engine/run-events';
import { bucketOf, DURATION_BUCKETS } from './duration-histogram';
import { type ErrorDelta, RunStatsRepository, type StatsDelta } from './run-stats.repository';

/** How long the deltas gather in memory before one upsert per minute × task writes them. */
export const STATS_FLUSH_MS = 1_000;
/** Admins' dashboards are told at most this often that the statistics changed. */
export const STATS_HINT_MS = 3_000;
/** How long the rollup rows are kept. */
export const STATS_KEEP_MINUTES = 8 * 24 * 60;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** An error message is counted under its first characters: the column's width. */
const MESSAGE_CHARS = 200;

const epochMinute = (iso: string | null): number => Math.floor((iso ? Date.parse(iso) : Date.now()) / 60_000);

/**
 * Keeps the dashboard's rollup as runs start and finish in this process: each start or end adds to an
 * in-memory delta (nothing on the run's own path but a map update), and once a second one additive
 * upsert per minute × task touched writes them, plus the hour rows and the error-message counts. In
 * Redis mode every process adds its own deltas to the same rows. A single run and each subtask of a
 * selection count; a scheduler itself (its subtasks are the work) and an upload (a transfer) do not.
 * A run retried after a crash counts as started again. Admins' dashboards are told (`stats.updated`,
 * throttled) once a flush is written and when a run is queued: a timer, no I/O on the run's path.
 */
@Injectable()
export class RunStatsRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunStatsRecorder.name);
  private pending = new Map<string, StatsDelta>();
  private errors = new Map<string, ErrorDelta>();
  private subscription: Subscription | null = null;
  private readonly flusher: PeriodicPass;
  private readonly pruner: PeriodicPass;
  private lastHint = 0;
  private hintTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly events: RunEvents,
    private readonly repository: RunStatsRepository,
  ) {
    this.flusher = new PeriodicPass('Writing the run statistics', () => this.flush(), this.logger);
    this.pruner = new PeriodicPass(
      'Pruning the run statistics',
      () => this.repository.prune(epochMinute(null) - STATS_KEEP_MINUTES),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.subscription = this.events.events$.subscribe((event) => {
      if (event.type === 'updated' && event.to) this.record(event.run, event.to);
    });
    this.flusher.start(STATS_FLUSH_MS);
    this.pruner.start(PRUNE_EVERY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    if (this.hintTimer) clearTimeout(this.hintTimer);
    await Promise.all([this.flusher.stop(), this.pruner.stop()]);
    await this.flush().catch((error: Error) =>
      this.logger.warn(`Run statistics not written at shutdown: ${error.message}`),
    );
  }

  /** Counts a run that entered `to`. */
  record(run: RunView, to: RunView['status']): void {
    if (to === 'queued') {
      // Nothing for the rollup: "queued now" is counted from the runs when read (a scheduler's subtasks,
      // which are queued with it, included). The dashboards are only told to read it again. A run that
      // leaves the queue without starting ends cancelled, which the rollup counts.
      this.hint();
      return;
    }
    if (run.scheduler !== null || run.kind === 'upload') return;
    const finished = (): StatsDelta => this.delta(epochMinute(run.finishedAt), run.task);
    switch (to) {
      case 'running':
        this.delta(epochMinute(run.startedAt), run.task).started++;
        break;
      case 'completed': {
        const delta = finished();
        delta.completed++;
        if (run.startedAt && run.finishedAt) {
          delta.durations[bucketOf(Date.parse(run.finishedAt) - Date.parse(run.startedAt))]++;
        }
        break;
      }
      case 'failed':
        finished().failed++;
        if (run.error) this.countError(Math.floor(epochMinute(run.finishedAt) / 60), run.task, run.error.message);
        break;
      case 'cancelled':
        finished().cancelled++;
        break;
      case 'cancelling':
        break;
    }
  }

  /** Writes what was counted so far (the periodic pass; tests call it to skip the wait). */
  async flush(): Promise<void> {
    const minutes = [...this.pending.values()];
    const errors = [...this.errors.values()];
    if (minutes.length === 0 && errors.length === 0) return;
    this.pending = new Map();
    this.errors = new Map();
    const hours = new Map<string, StatsDelta>();
    for (const m of minutes) add(hours, Math.floor(m.at / 60), m);
    try {
      await this.repository.write(minutes, [...hours.values()], errors);
    } catch (error) {
      // Nothing of it was written (one transaction): counted again at the next flush.
      for (const m of minutes) add(this.pending, m.at, m);
      for (const e of errors) this.countError(e.hour, e.task, e.message, e.count);
      throw error;
    }
    this.hint();
  }

  /**
   * Tells the admins' dashboards, in every process, that the figures changed: at once, or when
   * `STATS_HINT_MS` has passed since the last hint; the changes meanwhile share the next one.
   */
  private hint(): void {
    if (this.hintTimer) return;
    const wait = Math.max(0, this.lastHint + STATS_HINT_MS - Date.now());
    this.hintTimer = setTimeout(() => {
      this.hintTimer = null;
      this.lastHint = Date.now();
      this.events.emit({ type: 'stats', local: false });
    }, wait);
    this.hintTimer.unref();
  }

  private delta(at: number, task: string): StatsDelta {
    return deltaOf(this.pending, at, task);
  }

  private countError(hour: number, task: string, message: string, count = 1): void {
    const text = message.slice(0, MESSAGE_CHARS);
    const key = `${hour}|${task}|${text}`;
    const known = this.errors.get(key);
    if (known) known.count += count;
    else this.errors.set(key, { hour, task, message: text, count });
  }
}

function deltaOf(map: Map<string, StatsDelta>, at: number, task: string): StatsDelta {
  const key = `${at}|${task}`;
  let delta = map.get(key);
  if (!delta) {
    delta = {
      at,
      task,
      started: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      durations: new Array<number>(DURATION_BUCKETS).fill(0),
    };
    map.set(key, delta);
  }
  return delta;
}

function add(map: Map<string, StatsDelta>, at: number, from: StatsDelta): void {
  const into = deltaOf(map, at, from.task);
  into.started += from.started;
  into.completed += from.completed;
  into.failed += from.failed;
  into.cancelled += from.cancelled;
  from.durations.forEach((n, i) => (into.durations[i] += n));
}
