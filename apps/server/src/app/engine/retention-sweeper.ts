import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { PeriodicPass } from '../common/periodic-pass';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { ResultStorage } from '../results/result-storage.service';
import { RunRecorder } from './run-recorder';
import { RunDeletionsRepository } from '../persistence/run-deletions.repository';

/** Runs deleted per transaction: at most, at least, and in the first batch of a pass. */
export const RETENTION_BATCH_MAX = 500;
const RETENTION_BATCH_MIN = 10;
const RETENTION_BATCH_FIRST = 100;
/**
 * How long one batch's transaction should take. On SQLite every other write (starts, progress)
 * waits while it is open, and deleting scattered rows dirties many pages of every index: a batch of
 * 500 took 0.3–1 s on a 100,000-run table. The batch size follows what the last one took.
 */
const BATCH_TARGET_MS = 10;
/** The pause after a batch, in multiples of what it took: the sweep holds the database a quarter of the time at most. */
const BATCH_PAUSE_FACTOR = 3;
const BATCH_PAUSE_MIN_MS = 10;

/**
 * A result folder younger than this is never an orphan: its run may be being created or started
 * right now, its row not yet visible to this process.
 */
export const ORPHAN_MIN_AGE_MS = 5 * 60_000;
/** Any fixed number: the PostgreSQL advisory lock held by the process that sweeps. */
const SWEEP_LOCK = 727_275;
/** Only folders named like run ids are results; anything else in the folder (lost+found) is left alone. */
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `ONWARD_RETENTION`: deletes finished top-level runs older than the retention, with their subtasks and
 * files, as `DELETE /api/runs/:id` does (announced with `run.deleted`, remembered in `run_deletions`),
 * and the result folders that belong to no run. In processes that execute work (`all`, `worker`),
 * at start and then every `retentionSweepMs`; with several such processes on PostgreSQL, one at a
 * time. Queued, running and cancelling runs are never touched (only finished ones have `finishedAt`,
 * and the delete checks the status again). Batches are sized to take about `BATCH_TARGET_MS` each,
 * with a pause three times as long after each, so that starts and progress writes are never held long.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionSweeper.name);
  private readonly periodic = new PeriodicPass('Retention sweep', () => this.pass(), this.logger);
  private stopping = false;

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly deletions: RunDeletionsRepository,
    private readonly recorder: RunRecorder,
    private readonly storage: ResultStorage,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.periodic.start(this.config.retentionSweepMs);
  }

  /** Before the database closes: a pass in progress stops after its current batch. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.periodic.stop();
  }

  /** One pass; a pass still going when the next is due is not overlapped. Never rejects. */
  sweep(): Promise<void> {
    return this.periodic.run();
  }

  private async pass(): Promise<void> {
    const swept = await this.deletions.exclusively(SWEEP_LOCK, async () => {
      const started = Date.now();
      const deleted = this.config.retentionMs > 0 ? await this.deleteExpired(started - this.config.retentionMs) : 0;
      const orphans = await this.removeOrphanFolders(started);
      await this.deletions.pruneDeletions(started);
      if (deleted + orphans > 0) {
        this.logger.log(
          `Retention: deleted ${deleted} finished runs and ${orphans} result folders of no run in ${Date.now() - started} ms`,
        );
      }
    });
    if (!swept) this.logger.debug('Retention: another process is sweeping');
  }

  private async deleteExpired(before: number): Promise<number> {
    const cutoff = new Date(before).toISOString();
    let total = 0;
    let size = RETENTION_BATCH_FIRST;
    while (!this.stopping) {
      const expired = await this.deletions.findExpired(cutoff, size);
      if (expired.length === 0) break;
      const started = performance.now();
      const { deleted, childIds } = await this.deletions.deleteFinished(expired, new Date().toISOString());
      const took = performance.now() - started;
      for (const run of deleted) this.recorder.announceDeleted(run);
      total += deleted.length;
      // Files after the commit: a crash in between leaves folders of no run, which the next pass removes.
      await Promise.all([...deleted.map((run) => run.id), ...childIds].map((id) => this.storage.remove(id)));
      if (expired.length < size) break;
      size = Math.round(
        Math.min(RETENTION_BATCH_MAX, Math.max(RETENTION_BATCH_MIN, (size * BATCH_TARGET_MS) / Math.max(took, 1))),
      );
      await sleep(Math.max(BATCH_PAUSE_MIN_MS, took * BATCH_PAUSE_FACTOR));
    }
    return total;
  }

  /** Removes `results/<id>` folders older than `ORPHAN_MIN_AGE_MS` whose run is not stored. */
  private async removeOrphanFolders(now: number): Promise<number> {
    const root = this.config.resultsDir;
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    const candidates: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || !RUN_ID.test(entry.name)) continue;
      const info = await stat(join(root, entry.name)).catch(() => null);
      if (info && now - info.mtimeMs >= ORPHAN_MIN_AGE_MS) candidates.push(entry.name);
    }
    if (candidates.length === 0) return 0;
    const stored = await this.deletions.existingIds(candidates);
    const orphans = candidates.filter((id) => !stored.has(id));
    await Promise.all(orphans.map((id) => this.storage.remove(id)));
    return orphans.length;
  }
}
