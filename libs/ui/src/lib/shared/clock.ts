import { DestroyRef, inject, Injectable, NgZone, signal } from '@angular/core';

/** A once-a-second "now" for elapsed times; only views that read it are refreshed. */
@Injectable({ providedIn: 'root' })
export class MonitorClock {
  private readonly time = signal(Date.now());
  /** Milliseconds since the epoch, updated every second. */
  readonly now = this.time.asReadonly();

  constructor() {
    const zone = inject(NgZone);
    const timer = zone.runOutsideAngular(() => setInterval(() => this.time.set(Date.now()), 1000));
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
