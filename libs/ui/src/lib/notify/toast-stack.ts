import { DOCUMENT } from '@angular/common';
import { computed, inject, Injectable, signal } from '@angular/core';

import { MonitorPanelState } from '../panel/monitor-panel-state';
import { toastPlacement } from './toast-placement';

/** What a toast says and offers. */
export interface ToastOptions {
  text: string;
  /** The label of its one action button ("Open", "Show"). */
  action?: string;
  onAction?: () => void;
  /** Called when the toast goes without its action taken (timed out, closed, or pushed out). */
  onDismiss?: () => void;
  /** Milliseconds on screen (paused while the pointer or focus is on the toasts). */
  duration: number;
  /**
   * Toasts of one kind that no longer fit (more than three on screen) become one toast: `group`
   * writes its text for the count ("4 runs finished"), `groupAction` is its action.
   */
  kind?: string;
  group?: (count: number) => string;
  groupAction?: { label: string; run: () => void };
}

/** A toast on screen. */
export interface Toast {
  id: number;
  text: string;
  action: string | null;
  onAction: (() => void) | null;
  /** How many notices it stands for (more than one: a group). */
  count: number;
  kind: string | null;
  options: ToastOptions;
  timer: ReturnType<typeof setTimeout> | null;
  remaining: number;
  shownAt: number;
}

/** At most this many toasts at once; more of one kind are grouped, else the oldest goes. */
export const MAX_TOASTS = 3;
/** A first guess of the column's height, until it was measured. */
const ESTIMATED_HEIGHT = 64;

/**
 * The widget's toasts: they stack (newest at the bottom), several at once, and keep clear of the
 * panel (see `toastPlacement`). Material's snack bar shows one message at a time, so four runs
 * finishing together would each replace the one before; this keeps all of them readable.
 */
@Injectable({ providedIn: 'root' })
export class ToastStack {
  private readonly document = inject(DOCUMENT);
  private readonly panel = inject(MonitorPanelState);
  private nextId = 1;
  private paused = false;

  /** The toasts on screen, oldest first. */
  readonly toasts = signal<readonly Toast[]>([]);
  /** The column's measured height (set by the list that shows it). */
  readonly height = signal(0);
  private readonly viewport = signal(this.readViewport());
  /** Where the column goes now. */
  readonly placement = computed(() => {
    const count = this.toasts().length;
    const height = this.height() || count * ESTIMATED_HEIGHT;
    return toastPlacement(this.panel.placement(), this.viewport(), height);
  });

  /** Shows a toast (grouping or dropping older ones beyond three). */
  show(options: ToastOptions): void {
    const toast: Toast = {
      id: this.nextId++,
      text: options.text,
      action: options.action ?? null,
      onAction: options.onAction ?? null,
      count: 1,
      kind: options.kind ?? null,
      options,
      timer: null,
      remaining: options.duration,
      shownAt: Date.now(),
    };
    // Once a kind is grouped, its next notices join the group rather than pushing others out.
    const grouping = toast.kind !== null && this.toasts().some((t) => t.kind === toast.kind && t.count > 1);
    let list = [...this.toasts(), toast];
    if (list.length > MAX_TOASTS || grouping) list = this.fit(list, toast);
    this.toasts.set(list);
    if (!this.paused) this.arm(list[list.length - 1]);
  }

  /** Removes a toast (its close button, or its time is up). */
  dismiss(id: number): void {
    const toast = this.remove(id);
    toast?.options.onDismiss?.();
  }

  /** Runs a toast's action and removes it. */
  act(id: number): void {
    const toast = this.remove(id);
    toast?.onAction?.();
  }

  private remove(id: number): Toast | undefined {
    const toast = this.toasts().find((t) => t.id === id);
    if (toast?.timer) clearTimeout(toast.timer);
    this.toasts.update((list) => list.filter((t) => t.id !== id));
    return toast;
  }

  /** Holds every toast while the user reads or tabs through them (WCAG 2.2.1: timing adjustable). */
  pause(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    const now = Date.now();
    for (const toast of this.toasts()) {
      if (paused) {
        if (toast.timer) clearTimeout(toast.timer);
        toast.timer = null;
        toast.remaining = Math.max(1000, toast.remaining - (now - toast.shownAt));
      } else {
        this.arm(toast);
      }
    }
  }

  /** Called by the list when the window changes size. */
  viewportChanged(): void {
    this.viewport.set(this.readViewport());
  }

  /** Makes room for `added`: its kind grouped into one toast when there are several, else the oldest dropped. */
  private fit(list: Toast[], added: Toast): Toast[] {
    const group = added.options.group;
    const same = added.kind && group ? list.filter((t) => t.kind === added.kind) : [];
    if (same.length > 1 && group) {
      const count = same.reduce((n, t) => n + t.count, 0);
      for (const t of same) {
        if (t.timer) clearTimeout(t.timer);
        if (t !== added) t.options.onDismiss?.();
      }
      const grouped: Toast = {
        ...added,
        text: group(count),
        action: added.options.groupAction?.label ?? null,
        onAction: added.options.groupAction?.run ?? null,
        count,
        timer: null,
      };
      list = [...list.filter((t) => t.kind !== added.kind), grouped];
    }
    while (list.length > MAX_TOASTS) {
      const [oldest] = list;
      if (oldest.timer) clearTimeout(oldest.timer);
      oldest.options.onDismiss?.();
      list = list.slice(1);
    }
    return list;
  }

  private arm(toast: Toast): void {
    toast.shownAt = Date.now();
    toast.timer = setTimeout(() => this.dismiss(toast.id), toast.remaining);
  }

  private readViewport() {
    const win = this.document.defaultView;
    return { width: win?.innerWidth ?? 1024, height: win?.innerHeight ?? 768 };
  }
}
