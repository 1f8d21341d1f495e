import { effect, inject, Injectable, signal, untracked } from '@angular/core';

import { MonitorClient } from '../client/monitor-client';
import type { RunFilter } from '../shared/run-format';
import { type PanelRect, parseRect } from './panel-geometry';

interface StoredPanel {
  rect: PanelRect | null;
  open: boolean;
  minimized: boolean;
}

/** The panel's box on screen, and whether it is the full-screen sheet of a phone. */
export interface PanelPlacement {
  rect: PanelRect;
  sheet: boolean;
}

const KEY_PREFIX = 'onward.monitor.panel.';

/**
 * The panel's UI state, shared by the toolbar button and the panel: open, minimised, filter,
 * and the rect, remembered per user in localStorage so a returning user finds it where it was.
 */
@Injectable({ providedIn: 'root' })
export class MonitorPanelState {
  private readonly client = inject(MonitorClient);
  private userKey: string | null = null;

  /** Whether the floating panel is shown. */
  readonly open = signal(false);
  /** Whether the panel is collapsed to its title bar. */
  readonly minimized = signal(false);
  /** The list filter. */
  readonly filter = signal<RunFilter>('all');
  /** Where the panel is; null until placed (it then opens at the default place). */
  readonly rect = signal<PanelRect | null>(null);
  /** Where the panel is on screen now (null while closed), for what must keep clear of it (toasts). */
  readonly placement = signal<PanelPlacement | null>(null);
  /** Where keyboard focus should go after a user opened or closed the panel (a new object each time). */
  readonly focusRequest = signal<{ target: 'panel' | 'button' } | null>(null);

  constructor() {
    effect(() => {
      const user = this.client.user();
      untracked(() => this.restore(user ? user.id : null));
    });
    // The panel is in view while open and not minimised: what finishes then is seen.
    effect(() => {
      const inView = this.open() && !this.minimized();
      untracked(() => this.client.setWatching(inView));
    });
  }

  /** Shows or hides the panel. */
  toggle(): void {
    if (this.open()) this.hide();
    else this.show();
  }

  /** Shows the panel (un-minimised) and moves focus into it. */
  show(): void {
    this.minimized.set(false);
    this.setOpen(true);
    this.focusRequest.set({ target: 'panel' });
  }

  /** Hides the panel; focus goes back to the toolbar button. */
  hide(): void {
    this.setOpen(false);
    this.focusRequest.set({ target: 'button' });
  }

  /** Collapses or expands the panel. */
  setMinimized(minimized: boolean): void {
    this.minimized.set(minimized);
    this.persist();
  }

  /** Remembers a new position and size. */
  setRect(rect: PanelRect): void {
    this.rect.set(rect);
    this.persist();
  }

  /** Opens or closes the panel without moving focus (e.g. after a pop-out). */
  setOpen(open: boolean): void {
    this.open.set(open);
    this.persist();
  }

  private restore(userId: string | null): void {
    if (userId === this.userKey) return;
    this.userKey = userId;
    if (!userId) {
      this.open.set(false);
      return;
    }
    // Another user's panel must not carry over: without a stored state, start from the defaults.
    const stored = this.read(userId) ?? { rect: null, open: this.open(), minimized: false };
    this.rect.set(stored.rect);
    this.minimized.set(stored.minimized);
    this.open.set(stored.open);
  }

  private read(userId: string): StoredPanel | null {
    try {
      const raw = localStorage.getItem(KEY_PREFIX + userId);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Partial<StoredPanel>;
      return { rect: parseRect(parsed.rect), open: parsed.open === true, minimized: parsed.minimized === true };
    } catch {
      return null;
    }
  }

  private persist(): void {
    if (!this.userKey) return;
    const value: StoredPanel = { rect: this.rect(), open: this.open(), minimized: this.minimized() };
    try {
      localStorage.setItem(KEY_PREFIX + this.userKey, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the panel still works, it just is not remembered.
    }
  }
}
