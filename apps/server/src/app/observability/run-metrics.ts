import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { RunView } from '@onward/task-domain';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunEvents } from '../engine/run-events';
import { RunStatsRepository } from '../stats/run-stats.repository';

/** The queued/running gauges read the shared database at most this often, however many scrapers ask. */
export const UNFINISHED_CACHE_MS = 1_000;

const seconds = (from: string | null, to: string | null): number | null =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : null;

/**
 * The Prometheus metrics of this process, on a registry of its own (a host application's global one
 * is left alone). Runs are counted from the engine's events as they leave `RunRecorder`: a single run
 * and each subtask count, a scheduler (its subtasks are the work) and an upload do not, as on the
 * dashboard. Without `ONWARD_METRICS_TOKEN` nothing is subscribed: metrics cost nothing when off.
 */
@Injectable()
export class RunMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registry = new Registry();
  readonly enabled: boolean;
  private readonly started = new Counter({
    name: 'onward_runs_started_total',
    help: 'Runs that started executing in this process',
    labelNames: ['task'] as const,
    registers: [this.registry],
  });
  private readonly finished = new Counter({
    name: 'onward_runs_finished_total',
    help: 'Runs that ended in this process, by final status',
    labelNames: ['task', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'onward_run_duration_seconds',
    help: 'From start to end of the runs that ended in this process',
    labelNames: ['task', 'status'] as const,
    buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  private readonly queueWait = new Histogram({
    name: 'onward_run_queue_wait_seconds',
    help: 'From creation to start of the runs that started in this process',
    labelNames: ['task'] as const,
    buckets: [0.01, 0.05, 0.25, 1, 5, 30, 120, 600, 3600],
    registers: [this.registry],
  });
  private readonly sockets = new Gauge({
    name: 'onward_sockets_connected',
    help: 'Socket.IO connections of signed-in users open on this process',
    registers: [this.registry],
  });
  private readonly progress = new Counter({
    name: 'onward_progress_events_total',
    help: 'Progress updates of running runs written and announced by this process',
    registers: [this.registry],
  });
  private unfinished: Promise<{ queued: number; running: number }> | null = null;
  private unfinishedAt = 0;
  private subscription: Subscription | null = null;
  private stats: RunStatsRepository | null = null;

  // The engine and the statistics are looked up once everything is built: the gateway and the engine
  // use this class, and injecting theirs here would make Nest's modules depend on one another in a ring.
  constructor(
    @Inject(ONWARD_CONFIG) config: OnwardConfig,
    private readonly modules: ModuleRef,
  ) {
    this.enabled = config.metricsToken !== null;
    if (!this.enabled) return;
    collectDefaultMetrics({ register: this.registry });
    // Global figures, the same on every process: computed when scraped, from the shared database.
    const read = (): Promise<{ queued: number; running: number }> => this.readUnfinished();
    const unfinished = (key: 'queued' | 'running') =>
      async function (this: Gauge): Promise<void> {
        this.set((await read())[key]);
      };
    new Gauge({
      name: 'onward_runs_queued',
      help: 'Runs waiting in the queue, across every process (the same value on each)',
      registers: [this.registry],
      collect: unfinished('queued'),
    });
    new Gauge({
      name: 'onward_runs_running',
      help: 'Runs executing, across every process (the same value on each)',
      registers: [this.registry],
      collect: unfinished('running'),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.stats = this.modules.get(RunStatsRepository, { strict: false });
    this.subscription = this.modules.get(RunEvents, { strict: false }).events$.subscribe((event) => {
      if (event.type === 'updated') this.record(event.run, event.to);
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  /** Counts what a run's change means: a start, an end, or (no status change while running) progress. */
  record(run: RunView, to: RunView['status'] | undefined): void {
    if (run.scheduler !== null || run.kind === 'upload') return;
    if (to === undefined) {
      if (run.status === 'running') this.progress.inc();
    } else if (to === 'running') {
      this.started.inc({ task: run.task });
      const wait = seconds(run.createdAt, run.startedAt);
      if (wait !== null) this.queueWait.observe({ task: run.task }, wait);
    } else if (to === 'completed' || to === 'failed' || to === 'cancelled') {
      this.finished.inc({ task: run.task, status: to });
      const took = seconds(run.startedAt, run.finishedAt);
      if (took !== null) this.duration.observe({ task: run.task, status: to }, took);
    }
  }

  socketOpened(): void {
    if (this.enabled) this.sockets.inc();
  }

  socketClosed(): void {
    if (this.enabled) this.sockets.dec();
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  private readUnfinished(): Promise<{ queued: number; running: number }> {
    if (!this.stats) return Promise.resolve({ queued: 0, running: 0 });
    if (!this.unfinished || Date.now() - this.unfinishedAt > UNFINISHED_CACHE_MS) {
      this.unfinishedAt = Date.now();
      this.unfinished = this.stats.countUnfinished();
      // A failed read is not kept: the next scrape tries again.
      this.unfinished.catch(() => {
        this.unfinished = null;
      });
    }
    return this.unfinished;
  }
}
