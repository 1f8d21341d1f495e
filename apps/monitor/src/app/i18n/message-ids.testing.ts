// The same scan as the widget's (libs/ui/src/lib/i18n): a spec may not import another project by path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where a message id is used: `$localize` texts and template `i18n` attributes. */
export interface MessageUse {
  id: string | null;
  file: string;
  text: string;
}

// Not a mention in a comment ("`$localize` texts"): those are followed by a space.
const LOCALIZE = /\$localize`(?!\s)([^`]*)/g;
const I18N_ATTRIBUTE = /\bi18n(?:-[\w.-]+)?="([^"]*)"/g;

/** Every translatable message under `root` (specs and test helpers left out), with its custom id. */
export function messageUses(root: string): MessageUse[] {
  const uses: MessageUse[] = [];
  for (const file of sourceFiles(root)) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(LOCALIZE)) {
      const id = /^:[^:]*@@([\w.-]+):/.exec(match[1]);
      uses.push({ id: id?.[1] ?? null, file, text: match[1].slice(0, 60) });
    }
    for (const match of source.matchAll(I18N_ATTRIBUTE)) {
      const id = /@@([\w.-]+)$/.exec(match[1]);
      uses.push({ id: id?.[1] ?? null, file, text: match[0] });
    }
  }
  return uses;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    const source = /\.(ts|html)$/.test(name) && !/\.(spec|testing)\.ts$/.test(name) && name !== 'test-setup.ts';
    return source ? [path] : [];
  });
}
