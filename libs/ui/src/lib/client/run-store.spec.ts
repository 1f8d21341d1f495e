import { makeRun } from '../../testing/fakes';
import { RunStore } from './run-store';

describe('RunStore', () => {
  it('accepts only strictly newer versions and returns itself when nothing changed', () => {
    const run = makeRun({ version: 2 });
    const store = RunStore.empty().upsert([run]);
    expect(store.upsert([{ ...run, version: 2 }])).toBe(store);
    expect(store.upsert([{ ...run, version: 1 }])).toBe(store);
    expect(store.upsert([{ ...run, version: 3 }]).get(run.id)?.version).toBe(3);
  });

  it('applies the newest of several views of one run in a batch', () => {
    const run = makeRun({ version: 1 });
    const store = RunStore.empty().upsert([
      { ...run, version: 3 },
      { ...run, version: 2 },
    ]);
    expect(store.get(run.id)?.version).toBe(3);
  });

  it('drops the children list and removes subtasks with their scheduler', () => {
    const parent = makeRun();
    const child = makeRun({ parentId: parent.id });
    const store = RunStore.empty().upsert([{ ...parent, children: [child] }, child]);
    expect(store.get(parent.id)?.children).toBeUndefined();
    expect([...store.childIds(parent.id)]).toEqual([child.id]);
    const after = store.remove([parent.id]);
    expect(after.childIds(parent.id).size).toBe(0);
    expect(after.runs.size).toBe(0);
    expect(after.accepts({ ...child, version: 99 })).toBe(false);
  });

  it('tells what changed since an earlier version, with the views as they were then', () => {
    const a = makeRun({ version: 1 });
    const b = makeRun({ version: 1 });
    const start = RunStore.empty().upsert([a, b]);
    const one = start.upsert([{ ...a, version: 2 }]);
    const two = one.upsert([
      { ...a, version: 3 },
      { ...b, version: 2 },
    ]);
    expect(two.lastChange?.before.get(a.id)?.version).toBe(2);
    const since = two.changesSince(start.version);
    expect(since?.get(a.id)?.version).toBe(1);
    expect(since?.get(b.id)?.version).toBe(1);
    expect(two.changesSince(two.version)?.size).toBe(0);
    // Too far back, or across a removal (a new map): start afresh.
    let far = two;
    for (let v = 4; v < 80; v++) far = far.upsert([{ ...a, version: v }]);
    expect(far.changesSince(start.version)).toBeNull();
    const removed = far.remove([b.id]);
    expect(removed.lastChange).toBeNull();
    expect(removed.changesSince(far.version)).toBeNull();
  });
});
