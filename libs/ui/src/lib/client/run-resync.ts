import { computed, inject, Injectable, signal } from '@angular/core';
import { isUnfinished, type RunView, UNFINISHED_STATUSES } from '@onward/task-domain';

import { isNotFound, isUnauthorized, MonitorApi } from './monitor-api';
import { MonitorStore } from './monitor-store';
import type { ConnectionState, RunQuery } from './monitor-types';
import { byListOrder } from './run-list';
import { SubtaskPages } from './subtask-pages';

/**
 * The widget holds every unfinished run and the newest finished ones: one page of 200 at first
 * (enough for a first screen and the counts of a normal day), older pages as the user scrolls
 * down (`loadMore`). A reconnect re-reads as many pages as were loaded, so the list does not
 * shrink under the user, and pages through the unfinished runs that lie beyond them.
 */
const PAGE_SIZE = 200;
/** Safety stop for the reads of one resync (200 × 100 = 20 000 runs). */
const MAX_PAGES = 100;

/** What one paging read saw. */
interface PagesRead {
  /** Cursor after the last page read; null when the list ended. */
  next: string | null;
  /** The last run read (the oldest, in list order). */
  last: RunView | null;
}

/**
 * Reads the runs over REST: after every (re)connect (Socket.IO delivers at most once, so whatever
 * changed while offline is only known from here) and, page by page, older runs on demand. Every
 * read goes through one paging loop; a read that a newer resync or a reset overtook is dropped.
 */
@Injectable({ providedIn: 'root' })
export class RunResync {
  private readonly api = inject(MonitorApi);
  private readonly store = inject(MonitorStore);
  private readonly subtasks = inject(SubtaskPages);
  private generation = 0;
  private pagesLoaded = 1;
  /** Where the next older page starts; null once every run is loaded. */
  private readonly olderCursor = signal<string | null>(null);
  private readonly loadingOlder = signal(false);

  /** True when older runs than the held ones exist on the server. */
  readonly hasMore = computed(() => this.olderCursor() !== null);
  /** True while `loadMore` reads a page. */
  readonly loadingMore = this.loadingOlder.asReadonly();

  /**
   * Reads the user, the catalogue, the newest pages (as many as were loaded) and, when more
   * exist, every unfinished run. Held runs in the range read that the server no longer lists were
   * deleted meanwhile; held unfinished runs outside it are asked for one by one. Resolves to the
   * connection state to show, or null when a newer resync or a reset overtook it.
   */
  async resync(): Promise<ConnectionState | null> {
    const generation = ++this.generation;
    this.loadingOlder.set(false);
    const heldBefore = new Set(this.store.runsById().keys());
    try {
      // A catalogue that cannot be read now keeps the one held: forms built on it stay as they are.
      const [user, tasks] = await Promise.all([this.api.me(), this.api.tasks().catch(() => this.store.tasks())]);
      if (generation !== this.generation) return null;
      this.store.user.set(user);
      this.store.tasks.set(tasks);
      const seen = new Set<string>();
      const newest = await this.readPages({}, Math.min(this.pagesLoaded, MAX_PAGES), generation, seen);
      if (!newest) return null;
      // Older pages are not read now, but running runs always show on top: read all of those.
      if (newest.next && !(await this.readPages({ status: [...UNFINISHED_STATUSES] }, MAX_PAGES, generation, seen))) {
        return null;
      }
      this.olderCursor.set(newest.next);
      // Runs of the range read (all runs when there is no cursor) that the server did not list are gone.
      const oldest = newest.last;
      const inRange = (run: RunView) => !newest.next || !oldest || byListOrder(run, oldest) <= 0;
      const mine = [...this.store.runsById().values()].filter(
        (r) => r.parentId === null && r.owner.id === user.id && heldBefore.has(r.id) && !seen.has(r.id),
      );
      this.forget(mine.filter(inRange).map((r) => r.id));
      // Older runs held as unfinished may have finished (or gone) meanwhile: ask for each.
      const stale = mine.filter((r) => !inRange(r) && isUnfinished(r.status));
      await Promise.all(
        stale.map((r) =>
          this.subtasks.readRun(r.id).catch((error: unknown) => {
            if (isNotFound(error)) this.forget([r.id]);
          }),
        ),
      );
      await this.subtasks.refreshExpanded();
      return generation === this.generation ? 'online' : null;
    } catch (error) {
      if (generation !== this.generation) return null;
      return isUnauthorized(error) ? 'unauthorized' : 'offline';
    }
  }

  /** Reads the next page of older runs, if there is one and no read is under way. */
  async loadMore(): Promise<void> {
    const cursor = this.olderCursor();
    if (!cursor || this.loadingOlder()) return;
    const generation = this.generation;
    this.loadingOlder.set(true);
    try {
      const read = await this.readPages({ cursor }, 1, generation);
      if (!read) return;
      this.pagesLoaded++;
      this.olderCursor.set(read.next);
    } finally {
      if (generation === this.generation) this.loadingOlder.set(false);
    }
  }

  /** Drops every read under way and forgets the paging (another user). */
  reset(): void {
    this.generation++;
    this.olderCursor.set(null);
    this.loadingOlder.set(false);
    this.pagesLoaded = 1;
  }

  /**
   * The one paging loop: reads up to `pages` pages of `query` (from its cursor on), merging each
   * into the store and noting the ids in `seen`; null when a newer resync or a reset overtook it.
   */
  private async readPages(
    query: RunQuery,
    pages: number,
    generation: number,
    seen?: Set<string>,
  ): Promise<PagesRead | null> {
    let cursor = query.cursor ?? null;
    let last: RunView | null = null;
    for (let page = 0; page < pages; page++) {
      const result = await this.api.runs({ ...query, limit: PAGE_SIZE, cursor: cursor ?? undefined });
      if (generation !== this.generation) return null;
      this.store.merge(result.items);
      for (const run of result.items) seen?.add(run.id);
      last = result.items.at(-1) ?? last;
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return { next: cursor, last };
  }

  private forget(ids: readonly string[]): void {
    this.store.forget(ids);
    this.subtasks.forget(ids);
  }
}
