import { join } from 'node:path';

import { messageUses } from './message-ids.testing';
import { NL } from './nl';

// The guard that keeps the widget translated: a new text without a stable id or a Dutch entry fails here.
describe('the Dutch texts of the widget', () => {
  const uses = messageUses(join(__dirname, '..', '..'));

  it('finds the texts of the widget', () => {
    expect(uses.length).toBeGreaterThan(200);
  });

  it('gives every text a stable custom id (@@onward…)', () => {
    expect(uses.filter((use) => use.id === null || !use.id.startsWith('onward'))).toEqual([]);
  });

  it('has a Dutch translation for every id', () => {
    const missing = [...new Set(uses.map((use) => use.id))].filter((id) => id !== null && !(id in NL));
    expect(missing).toEqual([]);
  });

  it('keeps no Dutch entry whose text is gone', () => {
    const used = new Set(uses.map((use) => use.id));
    expect(Object.keys(NL).filter((id) => !used.has(id))).toEqual([]);
  });
});
