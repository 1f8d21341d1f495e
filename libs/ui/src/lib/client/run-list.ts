import { isUnfinished, type RunView } from '@onward/task-domain';

import { compareRuns } from '../shared/run-format';
import type { RunStore } from './run-store';

/**
 * The sorted list of the runs that pass a filter, kept between reads: a progress update replaces
 * one element of the previous list instead of sorting every run again (10 000 runs, 50 of them
 * ticking: a sort per tick would cost whole frames). It sorts afresh when a run moves (starts,
 * finishes, arrives or goes), when the filter's key changes, or when the store's log no longer
 * reaches back to the list it made.
 */
export class SortedRunList {
  private memo: { runs: ReadonlyMap<string, RunView>; version: number; key: string | null; list: RunView[] } | null =
    null;

  /** The runs of `store` that `belongs` keeps, running ones on top, newest first. */
  read(store: RunStore, key: string | null, belongs: (run: RunView | undefined) => run is RunView): RunView[] {
    const memo = this.memo;
    const changed = memo && memo.key === key && memo.runs === store.runs ? store.changesSince(memo.version) : null;
    let list = memo && changed ? patchList(memo.list, changed, store.runs, belongs) : null;
    if (!list) {
      list = [];
      for (const run of store.runs.values()) if (belongs(run)) list.push(run);
      list.sort(compareRuns);
    }
    this.memo = { runs: store.runs, version: store.version, key, list };
    return list;
  }

  /** Forgets the list (a new user). */
  clear(): void {
    this.memo = null;
  }
}

/** The server's list order (newest first: createdAt, then id, both descending); < 0 when `a` comes first. */
export function byListOrder(a: RunView, b: RunView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The sorted list after `change`, made by replacing changed runs in place; null when a change
 * moves a run (it starts, finishes, joins or leaves the list), which needs a full sort.
 */
export function patchList(
  list: RunView[],
  changed: ReadonlyMap<string, RunView | undefined>,
  runs: ReadonlyMap<string, RunView>,
  belongs: (run: RunView | undefined) => run is RunView,
): RunView[] | null {
  let next: RunView[] | null = null;
  for (const [id, before] of changed) {
    const after = runs.get(id);
    const was = belongs(before);
    const is = belongs(after);
    if (!was && !is) continue;
    if (!was || !is) return null;
    if (isUnfinished(before.status) !== isUnfinished(after.status) || before.createdAt !== after.createdAt) return null;
    const at = findSorted(next ?? list, before);
    if (at < 0) return null;
    next ??= list.slice();
    next[at] = after;
  }
  return next ?? list;
}

/** Binary search by `compareRuns` for the element with `run`'s id; -1 when absent. */
function findSorted(list: readonly RunView[], run: RunView): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const order = compareRuns(list[mid], run);
    if (order === 0) return list[mid].id === run.id ? mid : -1;
    if (order < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
