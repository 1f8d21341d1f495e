import { ONWARD_LANGUAGES } from '@onward/ui';
import { join } from 'node:path';

import { messageUses } from './message-ids.testing';
import { DEMO_NL } from './nl';

// The demo host's texts stay translated: each has a stable id and a Dutch entry (its own or the widget's).
describe('the Dutch texts of the demo host', () => {
  const uses = messageUses(join(__dirname, '..'));

  it('gives every text a stable custom id', () => {
    expect(uses.filter((use) => use.id === null)).toEqual([]);
  });

  it('has a Dutch translation for every id', () => {
    const dutch = { ...ONWARD_LANGUAGES['nl'].messages, ...DEMO_NL };
    const missing = [...new Set(uses.map((use) => use.id))].filter((id) => id !== null && !(id in dutch));
    expect(missing).toEqual([]);
  });
});
