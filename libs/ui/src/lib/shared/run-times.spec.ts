import { exactTime, relativeTime, runTimes, startOfDay } from './run-times';

describe('run times', () => {
  // Local times, as the user's browser shows them.
  const at = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).toISOString();
  const today = startOfDay(new Date(2026, 11, 3, 15, 0).getTime());

  it('shows today’s time alone, yesterday’s with the word, older ones with their date', () => {
    expect(relativeTime(at(2026, 12, 3, 14, 2), today, 'en-GB')).toBe('14:02');
    expect(relativeTime(at(2026, 12, 2, 16, 40), today, 'en-GB')).toBe('yesterday 16:40');
    expect(relativeTime(at(2026, 11, 28, 16, 40), today, 'en-GB')).toBe('28 Nov, 16:40');
    expect(relativeTime(at(2025, 11, 28, 16, 40), today, 'en-GB')).toBe('28 Nov 2025');
  });

  it('follows the locale', () => {
    expect(relativeTime(at(2026, 12, 3, 14, 2), today, 'en-US')).toBe('2:02 PM');
    expect(relativeTime(at(2026, 11, 28, 9, 5), today, 'de-DE')).toBe('28. Nov., 09:05');
  });

  it('gives the exact date and time for hover', () => {
    expect(exactTime(at(2026, 12, 3, 14, 2), 'en-GB')).toBe('Thursday, 3 December 2026 at 14:02:00');
  });

  it('shows the finish of a run by its time alone when it ended on the day it started', () => {
    const run = { createdAt: at(2026, 12, 2, 23, 50), startedAt: at(2026, 12, 2, 23, 55), finishedAt: null };
    expect(runTimes(run, today, 'en-GB')).toEqual({
      start: { text: 'yesterday 23:55', exact: exactTime(run.startedAt, 'en-GB'), iso: run.startedAt },
      finish: null,
    });
    const sameDay = runTimes({ ...run, finishedAt: at(2026, 12, 2, 23, 58) }, today, 'en-GB');
    expect(sameDay.finish?.text).toBe('23:58');
    const nextDay = runTimes({ ...run, finishedAt: at(2026, 12, 3, 0, 10) }, today, 'en-GB');
    expect(nextDay.finish?.text).toBe('00:10');
  });

  it('shows a queued run by when it was created', () => {
    const run = { createdAt: at(2026, 12, 3, 9, 30), startedAt: null, finishedAt: null };
    expect(runTimes(run, today, 'en-GB').start.text).toBe('09:30');
  });
});
