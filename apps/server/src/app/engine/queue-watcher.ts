import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';

import { QueuePlaces, queuePlaces, toldText } from '../persistence/queue-places';
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
 * whose place differs from the one they were last told (`runs.queue_told`, read with the queue) are
 * pushed, nearest the head first and at most `QUEUE_PUSHES_PER_READ` a read: a version more and a
 * `run.updated` each. The place told is stored by a compare-and-set, and only the runs it changed are
 * pushed, so that API processes reading the same queue push each moved place once between them (they
 * read and tell one at a time, under the queue's lock, so an older read never overwrites a newer). Places
 * still owed after a read are pushed by another read one window later, so a dequeue costs one push per
 * moved place up to place `QUEUE_PUSHED_PLACES` (never the queue's length times its watchers). Read
 * paths ask for a snapshot no older than a second (`fresh`), which covers the starts that other
 * processes make.
 */
@Injectable()
export class QueueWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(QueueWatcher.name);
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  /** The queue changed in this process since it was last read. */
  private dirty = false;

  constructor(
    private readonly events: RunEvents,
    private readonly repository: RunsRepository,
    private readonly places: QueuePlaces,
    private readonly recorder: RunRecorder,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.places.enabled) return;
    this.subscription = this.events.events$.subscribe((event) => {
      if (event.type === 'deleted') return this.schedule();
      if (event.type !== 'updated' || event.run.parentId !== null) return;
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
    await this.read();
  }

  private schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.read();
    }, QUEUE_SETTLE_MS);
    this.timer.unref();
  }

  private read(): Promise<void> {
    this.reading ??= this.readNow().finally(() => (this.reading = null));
    return this.reading;
  }

  private async readNow(): Promise<void> {
    this.dirty = false;
    try {
      await this.repository.underQueueLock(() => this.readAndTell());
    } catch (error) {
      this.logger.warn(`Could not read the queue: ${(error as Error).message}`);
    }
  }

  /** One read of the queue, and the pushes of the places that moved (under the queue's lock). */
  private async readAndTell(): Promise<void> {
    const [order, executing] = await Promise.all([
      this.repository.findQueueOrder(QUEUE_READ_LIMIT),
      this.repository.countExecutingByOwner(),
    ]);
    const next = queuePlaces(order, executing, this.places.userLimit);
    this.places.set(next);
    const owed = new Map<string, string>();
    for (const job of order) {
      const place = next.places.get(job.runId);
      if (!place || place.position > QUEUE_PUSHED_PLACES) continue;
      const told = toldText(place) as string;
      if (told === job.told) continue;
      if (owed.size >= QUEUE_PUSHES_PER_READ) {
        this.schedule(); // owed: the next read pushes it, unless it has moved back meanwhile
        break;
      }
      owed.set(job.runId, told);
    }
    // Only the runs still queued and not told this place meanwhile (by another process) are pushed.
    await this.recorder.tellPlaces(owed);
  }
}
