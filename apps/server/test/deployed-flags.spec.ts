import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WORKSPACE } from './support/process';

/**
 * The V8 flags the server is deployed with are listed once in tools/server-node-flags.mjs (for the
 * tools and the benches) and spelled out in `npm start` and the README's deploy command, which cannot
 * import it: the three must agree, and this Node must know them (V8's heap flags change between
 * versions; an unknown one stops Node at start).
 */
describe('the deployed V8 flags', () => {
  const read = (path: string): string => readFileSync(join(WORKSPACE, path), 'utf8');
  const flags = [...read('tools/server-node-flags.mjs').matchAll(/'(--[a-z0-9-]+=\d+)'/g)].map((m) => m[1]);

  it('are listed in tools/server-node-flags.mjs', () => {
    expect(flags).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-semi-space-size=/)]));
  });

  it('are the ones `npm start` and the README deploy with', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    const deploy = read('README.md').replace(/\\\n\s*/g, '');
    for (const flag of flags) {
      expect(start).toContain(` ${flag} `);
      expect(deploy).toMatch(new RegExp(`node_modules/\\.bin/node [^\\n]*${flag}`));
    }
  });

  it('are known to this Node', () => {
    expect(execFileSync(process.execPath, [...flags, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' })).toBe(
      'ok',
    );
  });
});
