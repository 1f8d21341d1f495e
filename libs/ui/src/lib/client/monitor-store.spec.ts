import { TestBed } from '@angular/core/testing';
import type { RunView } from '@onward/task-domain';

import { ALICE, makeRun } from '../../testing/fakes';
import { setupClientParts } from '../../testing/setup';
import { MonitorStore } from './monitor-store';
import { RunVisibility } from './run-visibility';
import { UnseenRuns } from './unseen-runs';

describe('MonitorStore', () => {
  let store: MonitorStore;
  let unseen: UnseenRuns;
  let finished: RunView[];

  beforeEach(() => {
    setupClientParts();
    store = TestBed.inject(MonitorStore);
    unseen = TestBed.inject(UnseenRuns);
    store.user.set(ALICE);
    finished = [];
    store.finished$.subscribe((run) => finished.push(run));
  });

  it('tells once when a held run reaches a final status, and marks the user’s listed runs unseen', () => {
    const mine = makeRun({ version: 1 });
    const foreground = makeRun({ version: 1, mode: 'foreground' });
    const inDialog = makeRun({ version: 1, mode: 'foreground' });
    const subtask = makeRun({ version: 1, parentId: mine.id });
    const bobs = makeRun({ version: 1, owner: { id: 'u-bob', username: 'bob' } });
    TestBed.inject(RunVisibility).dialogOpened(inDialog.id);
    store.merge([mine, foreground, inDialog, subtask, bobs]);
    const done = (run: RunView) => ({ ...run, version: 2, status: 'completed' as const });
    store.merge([done(mine), done(foreground), done(inDialog), done(subtask), done(bobs)]);
    store.merge([done(mine)]);
    expect(finished.map((r) => r.id)).toEqual([mine.id, foreground.id, inDialog.id, subtask.id, bobs.id]);
    // The run followed in its dialog was seen there.
    expect([...unseen.ids()]).toEqual([mine.id, foreground.id]);
  });

  it('marks nothing unseen while the runs are in view, and forgets deleted runs', () => {
    const a = makeRun();
    const b = makeRun();
    store.merge([a, b]);
    unseen.setWatching(true);
    store.merge([{ ...a, version: 2, status: 'failed' }]);
    expect(unseen.ids().size).toBe(0);
    unseen.setWatching(false);
    store.merge([{ ...b, version: 2, status: 'cancelled' }]);
    expect(unseen.ids().has(b.id)).toBe(true);
    store.forget([b.id]);
    expect(unseen.ids().size).toBe(0);
    expect(store.get(b.id)).toBeUndefined();
    store.merge([{ ...b, version: 9 }]);
    expect(store.get(b.id)).toBeUndefined();
  });

  it('lists the user’s top-level runs, unfinished first, and counts them', () => {
    const old = makeRun({ status: 'running', createdAt: '2025-01-01T00:00:00.000Z' });
    const done = makeRun({ status: 'completed', createdAt: '2026-01-01T00:00:00.000Z' });
    const foreground = makeRun({ mode: 'foreground', status: 'completed', createdAt: '2025-06-01T00:00:00.000Z' });
    store.merge([done, old, foreground, makeRun({ parentId: old.id })]);
    expect(store.runs().map((r) => r.id)).toEqual([old.id, done.id, foreground.id]);
    expect(store.runningCount()).toBe(1);
  });

  it('leaves out a foreground run while its dialog is open in this window, and hidden runs', () => {
    const visibility = TestBed.inject(RunVisibility);
    const background = makeRun({ createdAt: '2025-01-01T00:00:00.000Z' });
    const foreground = makeRun({ mode: 'foreground', createdAt: '2025-02-01T00:00:00.000Z' });
    visibility.dialogOpened(foreground.id);
    visibility.dialogOpened(background.id);
    store.merge([background, foreground]);
    // A dialog hides only a foreground run: a run moved to the background is listed at once.
    expect(store.runs().map((r) => r.id)).toEqual([background.id]);
    expect(store.runningCount()).toBe(1);

    visibility.dialogClosed(foreground.id);
    expect(store.runs().map((r) => r.id)).toEqual([foreground.id, background.id]);
    expect(store.runningCount()).toBe(2);

    visibility.hide(background.id);
    expect(store.runs().map((r) => r.id)).toEqual([foreground.id]);
    visibility.unhide(background.id);
    expect(store.runs().map((r) => r.id)).toEqual([foreground.id, background.id]);
  });

  it('drops other users’ runs without tombstones, and resets everything', () => {
    const mine = makeRun();
    const bobs = makeRun({ owner: { id: 'u-bob', username: 'bob' } });
    store.merge([mine, bobs]);
    store.dropForeign();
    expect(store.get(bobs.id)).toBeUndefined();
    store.merge([{ ...bobs, version: 2 }]);
    expect(store.get(bobs.id)).toBeDefined();

    store.reset();
    expect(store.runsById().size).toBe(0);
    expect(store.user()).toBeNull();
    expect(store.runs()).toEqual([]);
  });
});
