import type { RunView } from '@onward/task-domain';

/** How many upserts `changesSince` can look back over (a few frames' worth of progress ticks). */
const LOG_SIZE = 64;

/** What one `upsert` changed: the runs as they were before it (undefined: newly added). */
export interface RunStoreChange {
  /** The `version` of the store the change was applied to. */
  readonly fromVersion: number;
  readonly before: ReadonlyMap<string, RunView | undefined>;
}

/**
 * The runs a client holds, keyed by id. Every change returns a new store so a signal holding it
 * notifies; an `upsert` shares and updates the map of the store it was applied to instead of
 * copying it (a copy of 10 000 runs per progress tick costs milliseconds and feeds the garbage
 * collector), so only the newest store is to be read; `lastChange` and `changesSince` say what
 * upserts replaced. Enforces the contract's ordering rule: a view whose version is not above the held
 * one is dropped, and a deleted run is never brought back by a late update.
 */
export class RunStore {
  private constructor(
    private readonly map: Map<string, RunView>,
    private readonly deleted: ReadonlySet<string>,
    /** Subtask ids by scheduler id, shared and updated like `map` (a scheduler may have 10 000). */
    private readonly byParent: Map<string, Set<string>>,
    /** Grows with every change; with `runs` identity it tells a derived value what it was made from. */
    readonly version = 0,
    /** The latest changes made by `upsert` on this map, oldest first (a bounded log). */
    private readonly log: readonly RunStoreChange[] = [],
  ) {}

  /** What the last `upsert` changed; null after a removal or for a new store. */
  get lastChange(): RunStoreChange | null {
    const last = this.log.at(-1);
    return last && last.fromVersion === this.version - 1 ? last : null;
  }

  /**
   * The runs changed since `version` of this same map, with their views as they were then; null
   * when that is too far back (or another map), and the caller must start afresh.
   */
  changesSince(version: number): ReadonlyMap<string, RunView | undefined> | null {
    if (version === this.version) return new Map();
    const first = this.log.findIndex((change) => change.fromVersion === version);
    if (first < 0) return null;
    const before = new Map<string, RunView | undefined>();
    for (const change of this.log.slice(first)) {
      for (const [id, view] of change.before) if (!before.has(id)) before.set(id, view);
    }
    return before;
  }

  static empty(): RunStore {
    return new RunStore(new Map(), new Set(), new Map());
  }

  /** Every run held, by id. */
  get runs(): ReadonlyMap<string, RunView> {
    return this.map;
  }

  get(id: string): RunView | undefined {
    return this.map.get(id);
  }

  /** Ids of the held subtasks of a scheduler, in no particular order. */
  childIds(parentId: string): ReadonlySet<string> {
    return this.byParent.get(parentId) ?? NONE;
  }

  /** True when `run` would change the store. */
  accepts(run: RunView): boolean {
    if (this.deleted.has(run.id)) return false;
    const held = this.map.get(run.id);
    return !held || run.version > held.version;
  }

  /** Adds the views that are newer than the held ones; returns `this` when nothing changed. */
  upsert(views: readonly RunView[]): RunStore {
    let before: Map<string, RunView | undefined> | null = null;
    for (const view of views) {
      if (this.deleted.has(view.id)) continue;
      const held = this.map.get(view.id);
      if (held && view.version <= held.version) continue;
      before ??= new Map();
      if (!before.has(view.id)) before.set(view.id, held);
      // Children are kept as runs of their own; the parent's copy would go stale.
      const plain: RunView = { ...view };
      delete plain.children;
      this.map.set(view.id, plain);
      if (!held && view.parentId !== null) addChild(this.byParent, view.parentId, view.id);
    }
    if (!before) return this;
    const log = [...this.log.slice(1 - LOG_SIZE), { fromVersion: this.version, before }];
    return new RunStore(this.map, this.deleted, this.byParent, this.version + 1, log);
  }

  /** Removes runs (and their subtasks) and remembers them as deleted. */
  remove(ids: readonly string[]): RunStore {
    if (ids.length === 0) return this;
    const gone = new Set(ids);
    const next = new Map(this.map);
    for (const [id, run] of next) {
      if (gone.has(id) || (run.parentId !== null && gone.has(run.parentId))) {
        next.delete(id);
        gone.add(id);
      }
    }
    const deleted = new Set(this.deleted);
    for (const id of gone) deleted.add(id);
    return new RunStore(next, deleted, indexByParent(next), this.version + 1);
  }

  /** Forgets runs without remembering them as deleted (they may come back, e.g. on resync). */
  drop(ids: readonly string[]): RunStore {
    if (ids.length === 0) return this;
    const next = new Map(this.map);
    for (const id of ids) next.delete(id);
    return new RunStore(next, this.deleted, indexByParent(next), this.version + 1);
  }
}

const NONE: ReadonlySet<string> = new Set();

function addChild(index: Map<string, Set<string>>, parentId: string, id: string): void {
  const ids = index.get(parentId);
  if (ids) ids.add(id);
  else index.set(parentId, new Set([id]));
}

/** The parent index of a new map (after a removal, which is rare: a delete, a logout, leaving "all users"). */
function indexByParent(runs: ReadonlyMap<string, RunView>): Map<string, Set<string>> {
  const index = new Map<string, Set<string>>();
  for (const run of runs.values()) if (run.parentId !== null) addChild(index, run.parentId, run.id);
  return index;
}
