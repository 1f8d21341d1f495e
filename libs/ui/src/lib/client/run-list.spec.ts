import type { RunView } from '@onward/task-domain';

import { makeRun } from '../../testing/fakes';
import { byListOrder, patchList, SortedRunList } from './run-list';
import { RunStore } from './run-store';

const topLevel = (run: RunView | undefined): run is RunView => !!run && run.parentId === null;

describe('SortedRunList', () => {
  it('patches the list in place for a tick and sorts again when a run finishes', () => {
    const a = makeRun({ status: 'running', createdAt: '2026-01-01T00:00:00.000Z' });
    const b = makeRun({ status: 'completed', createdAt: '2026-01-02T00:00:00.000Z' });
    const sorted = new SortedRunList();
    let store = RunStore.empty().upsert([a, b]);
    const first = sorted.read(store, 'me', topLevel);
    expect(first.map((r) => r.id)).toEqual([a.id, b.id]);

    store = store.upsert([{ ...a, version: 2, progress: { percent: 80, message: null } }]);
    const sort = jest.spyOn(Array.prototype, 'sort');
    const ticked = sorted.read(store, 'me', topLevel);
    expect(sort).not.toHaveBeenCalled();
    sort.mockRestore();
    expect(ticked[0].progress.percent).toBe(80);

    store = store.upsert([{ ...a, version: 3, status: 'completed' }]);
    expect(sorted.read(store, 'me', topLevel).map((r) => r.id)).toEqual([b.id, a.id]);
    // Another key (another user) sorts afresh.
    expect(sorted.read(store, 'other', topLevel).map((r) => r.id)).toEqual([b.id, a.id]);
  });

  it('refuses to patch a change that moves a run, and ignores runs outside the list', () => {
    const a = makeRun({ status: 'running' });
    const runs = new Map([[a.id, { ...a, status: 'completed' as const }]]);
    expect(patchList([a], new Map([[a.id, a]]), runs, topLevel)).toBeNull();
    const child = makeRun({ parentId: a.id });
    expect(patchList([a], new Map([[child.id, child]]), new Map([[a.id, a]]), topLevel)).toEqual([a]);
  });

  it('orders like the server: newest first, then by id', () => {
    const older = makeRun({ id: 'b', createdAt: '2026-01-01T00:00:00.000Z' });
    const newer = makeRun({ id: 'a', createdAt: '2026-01-02T00:00:00.000Z' });
    const twin = makeRun({ id: 'c', createdAt: '2026-01-02T00:00:00.000Z' });
    expect([older, newer, twin].sort(byListOrder).map((r) => r.id)).toEqual(['c', 'a', 'b']);
  });
});
