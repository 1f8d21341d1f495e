import { queueLine, rerunLine, stalledLine } from './run-lines';
import { startOfDay } from './run-times';

describe('queueLine', () => {
  it.each([
    [{ position: 1, reason: 'capacity' as const }, 'Next to start'],
    [{ position: 1, reason: 'user-limit' as const }, 'Next to start'],
    [{ position: 2, reason: 'capacity' as const }, 'Waiting for a free worker · 1 ahead'],
    [{ position: 15, reason: 'capacity' as const }, 'Waiting for a free worker · 14 ahead'],
    [{ position: 3, reason: 'user-limit' as const }, 'Waiting · 2 ahead of it (your other runs)'],
    [{ position: 1201, reason: 'capacity' as const }, 'Waiting for a free worker · 1,200 ahead'],
  ])('%p → %p', (place, text) => {
    expect(queueLine(place, 'en-US')).toBe(text);
  });
});

describe('stalledLine', () => {
  it.each([
    [0, 'No progress for 0 s'],
    [-1000, 'No progress for 0 s'],
    [4_900, 'No progress for 4 s'],
    [59_999, 'No progress for 59 s'],
    [60_000, 'No progress for 1 min'],
    [4 * 60_000 + 59_000, 'No progress for 4 min'],
    [59 * 60_000, 'No progress for 59 min'],
    [125 * 60_000, 'No progress for 2 h'],
  ])('%p ms → %p', (ms, text) => {
    expect(stalledLine(ms, 'en-US')).toBe(text);
  });
});

describe('rerunLine', () => {
  const today = startOfDay(new Date(2026, 11, 3, 15, 0).getTime());

  it('names the time of the original run when it is held', () => {
    const started = new Date(2026, 11, 3, 14, 2).toISOString();
    expect(rerunLine({ createdAt: started, startedAt: started }, today, 'en-GB')).toBe('Repeats the run of 14:02');
  });

  it('uses the creation time of an original that never started', () => {
    const created = new Date(2026, 11, 2, 9, 30).toISOString();
    expect(rerunLine({ createdAt: created, startedAt: null }, today, 'en-GB')).toBe(
      'Repeats the run of yesterday 09:30',
    );
  });

  it('says only that it repeats an earlier run when the original is not held', () => {
    expect(rerunLine(undefined, today, 'en-GB')).toBe('Repeats an earlier run');
  });
});
