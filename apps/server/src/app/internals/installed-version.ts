import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Where the package resolves from: the server's main file (a bundle, whose own `require.resolve`
 * the bundler rewrites), else the working folder.
 */
function resolveEntry(name: string): string {
  for (const base of [require.main?.filename, join(process.cwd(), 'index.js')]) {
    if (!base) continue;
    try {
      return createRequire(base).resolve(name);
    } catch {
      // try the next base
    }
  }
  throw new Error(`${name} is not installed`);
}

/**
 * The version of an installed package, read from its package.json (found from the package's entry
 * point, since not every package exports `./package.json`), or `unknown`. Never throws.
 */
export function installedVersion(name: string): string {
  try {
    let dir = dirname(resolveEntry(name));
    for (;;) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (manifest.name === name && manifest.version) return manifest.version;
      } catch {
        // no package.json here: look further up
      }
      const parent = dirname(dir);
      if (parent === dir) return 'unknown';
      dir = parent;
    }
  } catch {
    return 'unknown';
  }
}
