import { join } from 'node:path';

import { untranslatedIn, untranslatedTexts } from './template-texts.testing';

/** Texts that stay as they are in every language: the product's name, the languages' own names. */
const NAMES = [
  'Onward',
  'EN',
  'NL',
  'aria-label="English"',
  'aria-label="Nederlands"',
  '· pid {{ w.pid }} · {{ w.role }}',
];

// The guard against a text shipped in English only: a literal in a template without `i18n` fails here.
describe('the templates of the demo host and the widget', () => {
  it('mark every text a user reads for translation (demo host)', () => {
    expect(untranslatedTexts(join(__dirname, '..'), NAMES)).toEqual([]);
  });

  it('mark every text a user reads for translation (widget, libs/ui)', () => {
    const widget = join(__dirname, '..', '..', '..', '..', '..', 'libs', 'ui', 'src', 'lib');
    expect(untranslatedTexts(widget, NAMES)).toEqual([]);
  });

  it('finds a literal text and a literal aria-label, and passes marked ones and icons', () => {
    const template = `
      <p i18n="@@x.marked">Marked {{ count }} <b>bold</b></p>
      <span>Bare words</span>
      <button aria-label="Close it"><mat-icon>close</mat-icon></button>
      <button aria-label="Open it" i18n-aria-label="@@x.open">{{ count }} ·</button>
      @if (count) { <em>In a block</em> }`;
    expect(untranslatedIn(template, 'sample.html').map((found) => found.text)).toEqual([
      'Bare words',
      'aria-label="Close it"',
      'In a block',
    ]);
  });
});
