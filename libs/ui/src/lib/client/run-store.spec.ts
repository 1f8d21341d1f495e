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
    const after = store.remove([parent.id]);
    expect(after.runs.size).toBe(0);
    expect(after.accepts({ ...child, version: 99 })).toBe(false);
  });
});
