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

  emit(event: RunEvent): void {
    this.subject.next(event);
  }
}
