import { Injectable } from '@nestjs/common';
import type { RunNotification, RunView } from '@onward/task-domain';
import { Observable, Subject } from 'rxjs';

/** What happened to a run; the gateway, `/wait` and notifications subscribe. */
export type RunEvent =
  | { type: 'updated'; run: RunView }
  | { type: 'deleted'; id: string; ownerId: string }
  | { type: 'notification'; ownerId: string; notification: RunNotification };

/** The central run lifecycle stream of this process. */
@Injectable()
export class RunEvents {
  private readonly subject = new Subject<RunEvent>();
  readonly events$: Observable<RunEvent> = this.subject.asObservable();

  /** Sinks that pass events on asynchronously (to Redis), each with how to wait until they have. */
  private readonly sinks: (() => Promise<void>)[] = [];

  emit(event: RunEvent): void {
    this.subject.next(event);
  }

  /**
   * Registers how to wait for a sink that passes events on asynchronously (the Redis adapter);
   * returns how to unregister it.
   */
  addAsyncSink(settled: () => Promise<void>): () => void {
    this.sinks.push(settled);
    return () => {
      const index = this.sinks.indexOf(settled);
      if (index >= 0) this.sinks.splice(index, 1);
    };
  }

  /**
   * Resolves once every event emitted so far has left this process, or after `withinMs` (a Redis
   * that stays away); at once when no sink is asynchronous (no Redis), without a timer.
   */
  async delivered(withinMs: number): Promise<void> {
    if (this.sinks.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
    try {
      await Promise.race([Promise.all(this.sinks.map((settled) => settled())), bound]);
    } finally {
      clearTimeout(timer);
    }
  }
}
