import { Inject, Injectable } from '@nestjs/common';
import type { RunQueuePlace } from '@onward/task-domain';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import type { RunJob } from '../queue/run-queue.port';
import type { RunEntity } from './run.entity';

/** The queue as last read: each queued run's place, and what a run queued since would be told. */
export interface QueueSnapshot {
  places: Map<string, RunQueuePlace>;
  /** Queued runs of each user, counted in the order read. */
  queuedByOwner: Map<string, number>;
  executingByOwner: Map<string, number>;
  /** Queued runs held back by the servers' capacity only (none by their user's limit). */
  waitingForCapacity: number;
  takenAt: number;
}

export const EMPTY_QUEUE: QueueSnapshot = {
  places: new Map(),
  queuedByOwner: new Map(),
  executingByOwner: new Map(),
  waitingForCapacity: 0,
  takenAt: 0,
};

/**
 * Each queued run's place, in queue order (oldest first). A user may execute `userLimit` runs at
 * once: a run with at least as many of its user's runs executing or queued before it waits for those
 * (`user-limit`; its position counts its user's queued runs before it, which start first); any other run waits for a free worker (`capacity`,
 * after the runs before it that wait for the same). Position 1 is the next to start. Other users' runs
 * that are held by their own limit may still start first when their running runs end: the places are
 * what the queue says now, O(queued runs read).
 */
export function queuePlaces(
  order: readonly RunJob[],
  executing: Map<string, number>,
  userLimit: number,
): QueueSnapshot {
  const places = new Map<string, RunQueuePlace>();
  const queuedByOwner = new Map<string, number>();
  let waitingForCapacity = 0;
  for (const { runId, ownerId } of order) {
    const ahead = queuedByOwner.get(ownerId) ?? 0;
    const free = Math.max(0, userLimit - (executing.get(ownerId) ?? 0));
    if (ahead >= free) {
      places.set(runId, { position: ahead + 1, reason: 'user-limit' });
    } else {
      places.set(runId, { position: waitingForCapacity + 1, reason: 'capacity' });
      waitingForCapacity++;
    }
    queuedByOwner.set(ownerId, ahead + 1);
  }
  return { places, queuedByOwner, executingByOwner: executing, waitingForCapacity, takenAt: Date.now() };
}

/** The place `snapshot` gives a queued run: its own, or (queued since) the last one's after it. */
export function placeIn(snapshot: QueueSnapshot, run: RunJob, userLimit: number): RunQueuePlace {
  const known = snapshot.places.get(run.runId);
  if (known) return known;
  const ahead = snapshot.queuedByOwner.get(run.ownerId) ?? 0;
  const free = Math.max(0, userLimit - (snapshot.executingByOwner.get(run.ownerId) ?? 0));
  return ahead >= free
    ? { position: ahead + 1, reason: 'user-limit' }
    : { position: snapshot.waitingForCapacity + 1, reason: 'capacity' };
}

/** A place as stored in `runs.queue_told` (null: none), so that equal places compare equal in SQL. */
export function toldText(place: RunQueuePlace | null | undefined): string | null {
  return place ? `${place.position}:${place.reason}` : null;
}

/** The queue places this process knows (read and kept up to date by the engine's QueueWatcher). */
@Injectable()
export class QueuePlaces {
  private snapshot: QueueSnapshot = EMPTY_QUEUE;

  constructor(@Inject(ONWARD_CONFIG) private readonly config: OnwardConfig) {}

  get current(): QueueSnapshot {
    return this.snapshot;
  }

  /** Off (`ONWARD_QUEUE_PLACES=false`): no run is told a place, and the queue is not read for one. */
  get enabled(): boolean {
    return this.config.queuePlaces;
  }

  get userLimit(): number {
    return this.config.userConcurrency;
  }

  set(snapshot: QueueSnapshot): void {
    this.snapshot = snapshot;
  }

  /** A queued top-level run's place; one queued since the last read is placed last, as it is. */
  placeOf(run: Pick<RunEntity, 'id' | 'ownerId' | 'status' | 'parentId'>): RunQueuePlace | null {
    if (!this.config.queuePlaces || run.status !== 'queued' || run.parentId !== null) return null;
    return placeIn(this.snapshot, { runId: run.id, ownerId: run.ownerId }, this.config.userConcurrency);
  }
}
