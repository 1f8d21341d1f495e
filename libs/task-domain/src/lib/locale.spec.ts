import { negotiateLocale } from './locale';

describe('negotiateLocale', () => {
  it.each([
    ['nl-NL,nl;q=0.9', 'nl'],
    ['nl-BE', 'nl'],
    ['NL', 'nl'],
    ['en-US,en;q=0.9,nl;q=0.8', 'en'],
    ['de-DE,de;q=0.9,nl;q=0.5,en;q=0.4', 'nl'],
    ['fr;q=1, en;q=0.2, nl;q=0.7', 'nl'],
    ['nl;q=0, en', 'en'],
    ['de, fr', 'en'],
    ['*', 'en'],
    ['', 'en'],
  ])('picks %j → %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });

  it('answers English without a header', () => {
    expect(negotiateLocale(undefined)).toBe('en');
    expect(negotiateLocale(null)).toBe('en');
  });
});
