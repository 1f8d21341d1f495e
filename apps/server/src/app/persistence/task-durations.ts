import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { type TaskDuration, withDurations } from './run-estimate';
import { TaskDurationEntity } from './task-duration.entity';

/** How often durations recorded here are written, and the others' read back. */
const SYNC_MS = 5_000;

/**
 * Each task's duration history, for estimates: held in memory (one entry per task), folded forward
 * as runs complete in this process, written every few seconds and read back from the other processes.
 * A read-modify-write per task and sync: two workers syncing the same task at once may lose one's
 * few durations, which an average over the last runs can spare.
 */
@Injectable()
export class TaskDurations implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskDurations.name);
  private readonly known = new Map<string, TaskDuration>();
  private readonly pending = new Map<string, number[]>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> = Promise.resolve();

  constructor(@InjectRepository(TaskDurationEntity) private readonly durations: Repository<TaskDurationEntity>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sync();
  }

  /** The history of `task`, or null before any of its runs completed. */
  get(task: string): TaskDuration | null {
    return this.known.get(task) ?? null;
  }

  /** A completed run's duration: counts here at once, elsewhere after the next sync. */
  record(task: string, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    const folded = withDurations(this.get(task), [durationMs]);
    if (folded) this.known.set(task, folded);
    const list = this.pending.get(task) ?? [];
    list.push(durationMs);
    this.pending.set(task, list);
  }

  /** Writes what was recorded here since the last sync, then reads every task's history back. */
  sync(): Promise<void> {
    this.syncing = this.syncing
      .then(() => this.write().then(() => this.refresh()))
      .catch((error: Error) => {
        this.logger.warn(`Task durations not synced: ${error.message}`);
      });
    return this.syncing;
  }

  private async write(): Promise<void> {
    const batches = [...this.pending];
    this.pending.clear();
    for (const [task, durations] of batches) {
      const stored = await this.durations.findOneBy({ task });
      const folded = withDurations(stored, durations);
      if (!folded) continue;
      await this.durations.save({ task, ...folded, updatedAt: new Date().toISOString() });
    }
  }

  private async refresh(): Promise<void> {
    for (const row of await this.durations.find()) {
      // What was recorded here since the last write is not in the table yet: folded in again.
      this.known.set(row.task, withDurations(row, this.pending.get(row.task) ?? []) ?? row);
    }
  }
}
