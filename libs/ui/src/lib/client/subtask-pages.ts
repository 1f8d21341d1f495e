import { inject, Injectable, signal } from '@angular/core';
import type { RunView } from '@onward/task-domain';

import { MonitorApi } from './monitor-api';
import { MonitorStore } from './monitor-store';

/** Subtasks per page: the contract's first page in `GET /api/runs/:id`, and each page read after it. */
export const SUBTASK_PAGE_SIZE = 200;

/** The loaded part of one scheduler's subtask list. */
export interface SubtaskList {
  /** Ids of the loaded subtasks, in row order (pages 0…n, each `SUBTASK_PAGE_SIZE` long but the last). */
  readonly ids: readonly string[];
  /** Cursor of the next page; null once every subtask is loaded. */
  readonly next: string | null;
  /** True while a page is read. */
  readonly loading: boolean;
  /** The cursor that reads page k (page 0 comes with the run itself: null). */
  readonly cursors: readonly (string | null)[];
  /** Pages loaded before the last reconnect, to read again when they come into view. */
  readonly stale: ReadonlySet<number>;
}

const EMPTY: SubtaskList = { ids: [], next: null, loading: false, cursors: [], stale: new Set() };

/**
 * A scheduler's subtasks, read page by page as the user scrolls its drill-down: the run brings the
 * first 200 and a cursor, `loadNext` reads the next page. The subtasks themselves live in the store
 * like any run, so `run.updated` events update loaded rows; this holds only their order. A
 * scheduler may have 10 000 subtasks: nothing here reads them all at once.
 */
@Injectable({ providedIn: 'root' })
export class SubtaskPages {
  private readonly api = inject(MonitorApi);
  private readonly store = inject(MonitorStore);
  private readonly lists = signal<ReadonlyMap<string, SubtaskList>>(new Map());
  private readonly expanded = new Set<string>();

  /** The loaded subtasks of a scheduler (a signal read). */
  list(id: string): SubtaskList {
    return this.lists().get(id) ?? EMPTY;
  }

  /**
   * A scheduler's subtasks in row order (a signal read): the loaded ones, then any held subtask
   * not listed yet (one that arrived by socket before its page).
   */
  childrenOf(id: string): RunView[] {
    const order = this.list(id).ids;
    const state = this.store.state();
    const children: RunView[] = [];
    for (const childId of order) {
      const child = state.get(childId);
      if (child) children.push(child);
    }
    const held = state.childIds(id);
    if (held.size > children.length) {
      const listed = new Set(order);
      for (const childId of held) {
        const child = listed.has(childId) ? undefined : state.get(childId);
        if (child) children.push(child);
      }
    }
    return children;
  }

  /** `GET /api/runs/:id`, merged; a scheduler's first page of subtasks is kept in row order. */
  async readRun(id: string): Promise<RunView> {
    const run = await this.api.run(id);
    if (run.children) {
      this.seed(id, run.children, run.childrenCursor ?? null);
      this.store.merge(run.children);
    }
    this.store.merge([run]);
    return run;
  }

  /** Keeps a scheduler's subtasks fresh (also after reconnects) while it is expanded. */
  async expand(id: string): Promise<void> {
    this.expanded.add(id);
    await this.readRun(id);
  }

  /** Stops refreshing a scheduler's subtasks. */
  collapse(id: string): void {
    this.expanded.delete(id);
  }

  /** After a reconnect: reads each expanded scheduler again; its later pages are read again in view (`refresh`). */
  async refreshExpanded(): Promise<void> {
    await Promise.all([...this.expanded].map((id) => this.readRun(id).catch(() => undefined)));
  }

  /** Reads the next page of a scheduler's subtasks, unless every one is loaded or a read is under way. */
  async loadNext(id: string): Promise<void> {
    const list = this.list(id);
    const cursor = list.next;
    if (!cursor || list.loading) return;
    this.patch(id, { loading: true });
    try {
      const page = await this.api.children(id, { limit: SUBTASK_PAGE_SIZE, cursor });
      const now = this.lists().get(id);
      if (!now || now.next !== cursor) return;
      this.store.merge(page.items);
      this.patch(id, {
        ids: [...now.ids, ...page.items.map((c) => c.id)],
        cursors: [...now.cursors, cursor],
        next: page.nextCursor,
      });
    } finally {
      if (this.lists().get(id)?.loading) this.patch(id, { loading: false });
    }
  }

  /** Reads again the stale pages among rows `start`…`end` (end excluded): after a reconnect, as they come into view. */
  async refresh(id: string, start: number, end: number): Promise<void> {
    const list = this.list(id);
    const pages: number[] = [];
    for (let p = Math.floor(start / SUBTASK_PAGE_SIZE); p * SUBTASK_PAGE_SIZE < end; p++) {
      if (list.stale.has(p) && list.cursors[p]) pages.push(p);
    }
    if (pages.length === 0) return;
    this.patch(id, { stale: new Set([...list.stale].filter((p) => !pages.includes(p))) });
    await Promise.all(
      pages.map(async (p) => {
        const cursor = list.cursors[p] as string;
        const page = await this.api.children(id, { limit: SUBTASK_PAGE_SIZE, cursor }).catch(() => null);
        if (page) this.store.merge(page.items);
        else this.patch(id, { stale: new Set([...this.list(id).stale, p]) });
      }),
    );
  }

  /** Forgets schedulers that are gone. */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.expanded.delete(id);
    if (!ids.some((id) => this.lists().has(id))) return;
    this.lists.update((m) => {
      const next = new Map(m);
      for (const id of ids) next.delete(id);
      return next;
    });
  }

  /** Forgets everything (another user). */
  reset(): void {
    this.expanded.clear();
    this.lists.set(new Map());
  }

  /**
   * The first page, from the run itself. Rows never change order or membership, so pages read
   * before keep their place; they are marked stale, as they may have changed while offline.
   */
  private seed(id: string, children: readonly RunView[], next: string | null): void {
    const held = this.lists().get(id);
    const first = children.map((c) => c.id);
    if (!held || held.ids.length <= first.length) {
      this.lists.update((m) => new Map(m).set(id, { ...EMPTY, ids: first, next, cursors: [null] }));
      return;
    }
    const stale = new Set(held.stale);
    for (let p = 1; p < held.cursors.length; p++) stale.add(p);
    this.patch(id, { ids: [...first, ...held.ids.slice(first.length)], stale });
  }

  private patch(id: string, change: Partial<SubtaskList>): void {
    this.lists.update((m) => new Map(m).set(id, { ...(m.get(id) ?? EMPTY), ...change }));
  }
}
