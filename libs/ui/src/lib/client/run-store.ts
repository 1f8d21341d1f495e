import type { RunView } from '@onward/task-domain';

/**
 * The runs a client holds, keyed by id, immutable: every change returns a new store so a signal
 * holding it notifies. Enforces the contract's ordering rule: a view whose version is not above
 * the held one is dropped, and a deleted run is never brought back by a late update.
 */
export class RunStore {
  private constructor(
    readonly runs: ReadonlyMap<string, RunView>,
    private readonly deleted: ReadonlySet<string>,
    /**
     * What the last `upsert` changed: the runs map it started from and the ids it replaced or
     * added, so that derived lists can be patched instead of rebuilt. Null after removals.
     */
    readonly lastChange: { readonly from: ReadonlyMap<string, RunView>; readonly ids: readonly string[] } | null = null,
  ) {}

  static empty(): RunStore {
    return new RunStore(new Map(), new Set());
  }

  get(id: string): RunView | undefined {
    return this.runs.get(id);
  }

  /** True when `run` would change the store. */
  accepts(run: RunView): boolean {
    if (this.deleted.has(run.id)) return false;
    const held = this.runs.get(run.id);
    return !held || run.version > held.version;
  }

  /** Adds the views that are newer than the held ones; returns `this` when nothing changed. */
  upsert(views: readonly RunView[]): RunStore {
    let next: Map<string, RunView> | null = null;
    const ids: string[] = [];
    for (const view of views) {
      const current = next ?? this.runs;
      if (this.deleted.has(view.id)) continue;
      const held = current.get(view.id);
      if (held && view.version <= held.version) continue;
      next ??= new Map(this.runs);
      // Children are kept as runs of their own; the parent's copy would go stale.
      const plain: RunView = { ...view };
      delete plain.children;
      next.set(view.id, plain);
      ids.push(view.id);
    }
    return next ? new RunStore(next, this.deleted, { from: this.runs, ids }) : this;
  }

  /** Removes runs (and their subtasks) and remembers them as deleted. */
  remove(ids: readonly string[]): RunStore {
    if (ids.length === 0) return this;
    const gone = new Set(ids);
    const next = new Map(this.runs);
    for (const [id, run] of next) {
      if (gone.has(id) || (run.parentId !== null && gone.has(run.parentId))) {
        next.delete(id);
        gone.add(id);
      }
    }
    const deleted = new Set(this.deleted);
    for (const id of gone) deleted.add(id);
    return new RunStore(next, deleted);
  }

  /** Forgets runs without remembering them as deleted (they may come back, e.g. on resync). */
  drop(ids: readonly string[]): RunStore {
    if (ids.length === 0) return this;
    const next = new Map(this.runs);
    for (const id of ids) next.delete(id);
    return new RunStore(next, this.deleted);
  }
}
