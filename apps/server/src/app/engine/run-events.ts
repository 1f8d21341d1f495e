import { Injectable } from '@nestjs/common';
import type { RunNotification, RunStatus, RunView } from '@onward/task-domain';
import { Observable, Subject } from 'rxjs';

import { Announcer } from './announcer.port';

/** What happened to a run: `/wait` subscribes, and the Announcer takes it to the sockets. */
export type RunEvent =
  /** `to`: the status the run entered with this change; absent for other changes (progress, a re-announce). */
  | { type: 'updated'; run: RunView; to?: RunStatus }
  | { type: 'deleted'; id: string; ownerId: string }
  | { type: 'notification'; ownerId: string; notification: RunNotification }
  /**
   * The dashboard's figures changed: a hint for admins' sockets to read them again. `local`: for this
   * process's sockets only, when every process notices the change by itself (processes coming and
   * going), so that an admin is told once whichever process their socket is on.
   */
  | { type: 'stats'; local: boolean };

/**
 * The central run lifecycle stream of this process (`/wait` subscribes); every event also goes to
 * the Announcer, which takes it to the sockets.
 */
@Injectable()
export class RunEvents {
  private readonly subject = new Subject<RunEvent>();
  readonly events$: Observable<RunEvent> = this.subject.asObservable();

  constructor(private readonly announcer: Announcer) {}

  emit(event: RunEvent): void {
    this.subject.next(event);
    this.announcer.announce(event);
  }
}
