import { DestroyRef, inject, Injectable } from '@angular/core';

/** The channel every window of the monitor on one origin shares (main window and pop-out). */
export const MONITOR_CHANNEL = 'onward-monitor';

/**
 * What the windows of one user tell each other: which runs the user cancelled or deleted, so that
 * neither window toasts "cancelled" for a run the user stopped. Uses a BroadcastChannel where the
 * browser has one, and works within the window alone where it has not.
 */
@Injectable({ providedIn: 'root' })
export class CrossWindowSync {
  private readonly cancelled = new Set<string>();
  private readonly channel: BroadcastChannel | null =
    typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(MONITOR_CHANNEL);

  constructor() {
    if (this.channel) {
      this.channel.onmessage = (event: MessageEvent<{ cancelled?: unknown } | null>) => {
        if (typeof event.data?.cancelled === 'string') this.cancelled.add(event.data.cancelled);
      };
    }
    inject(DestroyRef).onDestroy(() => this.channel?.close());
  }

  /** Remembers that the user asked to cancel or delete a run, here and in the other windows. */
  rememberCancelled(id: string): void {
    this.cancelled.add(id);
    this.channel?.postMessage({ cancelled: id });
  }

  /** Whether the user (in any window) asked to cancel or delete the run. */
  cancelledByUser(id: string): boolean {
    return this.cancelled.has(id);
  }

  /** Forgets what was remembered (another user). */
  clear(): void {
    this.cancelled.clear();
  }
}
