import { TestBed } from '@angular/core/testing';

import { makeRun } from '../../testing/fakes';
import { UnseenRuns } from './unseen-runs';

describe('UnseenRuns', () => {
  let unseen: UnseenRuns;

  beforeEach(() => {
    unseen = TestBed.inject(UnseenRuns);
  });

  it('counts only top-level runs of the user, and only while out of view', () => {
    const mine = makeRun();
    const foreground = makeRun({ mode: 'foreground' });
    unseen.noteFinished(
      [mine, foreground, makeRun({ parentId: mine.id }), makeRun({ owner: { id: 'u-bob', username: 'bob' } })],
      'u-alice',
    );
    expect([...unseen.ids()]).toEqual([mine.id, foreground.id]);
    unseen.setWatching(true);
    expect(unseen.ids().size).toBe(0);
    unseen.noteFinished([makeRun()], 'u-alice');
    expect(unseen.ids().size).toBe(0);
  });

  it('keeps the same set when nothing it holds goes, and forgets what goes', () => {
    const a = makeRun();
    const b = makeRun();
    unseen.noteFinished([a, b], null);
    const before = unseen.ids();
    unseen.forget(['other']);
    expect(unseen.ids()).toBe(before);
    unseen.forget([a.id]);
    expect([...unseen.ids()]).toEqual([b.id]);
    unseen.markAllSeen();
    expect(unseen.ids().size).toBe(0);
  });
});
