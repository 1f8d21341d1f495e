import { timeLeftLine, timeLeftText } from './time-left';

describe('timeLeftText', () => {
  const s = 1000;
  const min = 60 * s;
  const h = 60 * min;
  it.each([
    [0, 'less than a minute'],
    [-5 * s, 'less than a minute'],
    [NaN, 'less than a minute'],
    [59 * s, 'less than a minute'],
    [60 * s, 'about 1 min'],
    [89 * s, 'about 1 min'],
    [90 * s, 'about 2 min'],
    [3 * min + 10 * s, 'about 3 min'],
    [4 * min + 40 * s, 'about 5 min'],
    [10 * min + 20 * s, 'about 10 min'],
    [12 * min, 'about 10 min'],
    [13 * min, 'about 15 min'],
    [23 * min, 'about 25 min'],
    [57 * min, 'about 55 min'],
    [58 * min, 'about 1 h'],
    [70 * min, 'about 1 h'],
    [100 * min, 'about 2 h'],
    [2 * h + 20 * min, 'about 2 h'],
    [35 * h, 'about 35 h'],
    [36 * h, 'about 2 days'],
    [10 * 24 * h, 'about 10 days'],
  ])('%p ms → %p', (ms, text) => {
    expect(timeLeftText(ms, 'en-US')).toBe(text);
  });

  it('writes the number in the locale’s digits', () => {
    expect(timeLeftText(1200 * 24 * h, 'de-DE')).toBe('about 1.200 days');
  });

  it('makes the entry’s line of it', () => {
    expect(timeLeftLine(3 * min, 'en-US')).toBe('about 3 min left');
  });
});
