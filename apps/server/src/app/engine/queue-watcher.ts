import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { RunQueuePlace } from '@onward/task-domain';
import type { Subscription } from 'rxjs';

import { placeIn, QueuePlaces, queuePlaces, type QueueSnapshot } from '../persistence/queue-places';
import { RunsRepository } from '../persistence/runs.repository';
import { RunEvents } from './run-events';
import { RunRecorder } from './run-recorder';

/** Queued runs read per refresh: the places of the first ones are exact, the rest are not told. */
export const QUEUE_READ_LIMIT = 1_000;
/** Changes of the queue within this window are read, and their places pushed, together. */
export const QUEUE_SETTLE_MS = 500;
/**
 * Moved places pushed per read, nearest the head first: a dequeue moves every place behind it, and
 * pushing a long queue's whole tail twice a second would cost more than running the runs. The others
 * are told at a later read, or when they are read.
 */
export const QUEUE_PUSHES_PER_READ = 20;
/** Places beyond this are not pushed at all (a reader still gets theirs). */
export const QUEUE_PUSHED_PLACES = 100;

/**
 * Keeps the queue places of this process current. When a run of the queue starts, ends or goes, the
 * queue is read again (once per `QUEUE_SETTLE_MS`, however many changes) and only the queued runs
 * whose place differs from the one they were last told are pushed, nearest the head first and at most
 * `QUEUE_PUSHES_PER_READ` a read: a version more and a `run.updated` each. Places still owed after a
 * read are pushed by another read one window later, so a dequeue costs one push per moved place up to
 * place `QUEUE_PUSHED_PLACES` (never the queue's length times its watchers). Read paths ask for a
 * snapshot no older than a second (`fresh`), which covers the starts that other processes make.
 */
@Injectable()
export class QueueWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(QueueWatcher.name);
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  /** The queue changed in this process since it was last read. */
  private dirty = false;
  /**
   * The place each queued run was last told by this process (its start's answer, or a push), with the
   * number of the read it was told after: a start answered from an older snapshot, or a place a read
   * had no budget to push, is still compared with what its run actually holds.
   */
  private readonly told = new Map<string, { place: RunQueuePlace; read: number }>();
  private reads = 0;

  constructor(
    private readonly events: RunEvents,
    private readonly repository: RunsRepository,
    private readonly places: QueuePlaces,
    private readonly recorder: RunRecorder,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.places.enabled) return;
    this.subscription = this.events.events$.subscribe((event) => {
      if (event.type === 'deleted') {
        this.told.delete(event.id);
        return this.schedule();
      }
      if (event.type !== 'updated' || event.run.parentId !== null) return;
      if (event.run.queue) this.told.set(event.run.id, { place: event.run.queue, read: this.reads });
      else this.told.delete(event.run.id);
      const placed = this.places.current.places.has(event.run.id);
      // A start the last read did not see (announced with no status change), or a change of status;
      // never a progress report, nor a pushed place coming back.
      const started = event.run.status === 'queued' && !placed;
      const moved = event.to !== undefined && !(event.to === 'queued' && placed);
      if (started || moved) this.schedule();
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Reads the queue again when it changed here since, or the places are older than `maxAgeMs` (another
   * process may have changed it). For reads of runs; a start is told its place from the last read.
   */
  async fresh(maxAgeMs = 1_000): Promise<void> {
    if (!this.places.enabled) return;
    // A read under way began after the changes it cleared: its answer is the one to wait for.
    if (this.reading) await this.reading;
    if (!this.dirty && Date.now() - this.places.current.takenAt <= maxAgeMs) return;
    await this.read(true);
  }

  private schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.read(true);
    }, QUEUE_SETTLE_MS);
    this.timer.unref();
  }

  private read(push: boolean): Promise<void> {
    this.reading ??= this.readNow(push).finally(() => (this.reading = null));
    return this.reading;
  }

  private async readNow(push: boolean): Promise<void> {
    this.dirty = false;
    const read = ++this.reads;
    try {
      const [order, executing] = await Promise.all([
        this.repository.findQueueOrder(QUEUE_READ_LIMIT),
        this.repository.countExecutingByOwner(),
      ]);
      const before = this.places.current;
      const limit = this.places.userLimit;
      const next = queuePlaces(order, executing, limit);
      this.places.set(next);
      this.forgetGone(next, read, order.length < QUEUE_READ_LIMIT);
      if (!push) return;
      let pushes = 0;
      for (const job of order) {
        const place = next.places.get(job.runId);
        if (!place || place.position > QUEUE_PUSHED_PLACES) continue;
        // What the run was told last; one this process never told was told its place in the last read.
        const was = this.told.get(job.runId)?.place ?? placeIn(before, job, limit);
        if (was.position === place.position && was.reason === place.reason) continue;
        if (pushes >= QUEUE_PUSHES_PER_READ) {
          this.schedule(); // owed: the next read pushes it, unless it has moved back meanwhile
          break;
        }
        pushes++;
        // Only while still queued: a run that started meanwhile is announced by its start.
        await this.recorder.change(job.runId, {}, 'queued', ['queued']);
      }
    } catch (error) {
      this.logger.warn(`Could not read the queue: ${(error as Error).message}`);
    }
  }

  /**
   * Drops what was told to runs no longer queued that were told before this read began (a start of
   * another process, which this one never hears of); a read that saw only part of the queue proves nothing.
   */
  private forgetGone(next: QueueSnapshot, read: number, wholeQueue: boolean): void {
    if (!wholeQueue) return;
    for (const [id, told] of this.told) if (told.read < read && !next.places.has(id)) this.told.delete(id);
  }
}
