import { parseTemplate, TmplAstBoundText, TmplAstElement, TmplAstText } from '@angular/compiler';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A text a user would read in a template that no `i18n` marker makes translatable. */
export interface UntranslatedText {
  file: string;
  text: string;
}

/** Attributes whose value people read (a screen reader, a tooltip, an empty field). */
const READ_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'label']);
/** Elements whose text is not prose: icon ligatures. */
const NOT_PROSE = new Set(['mat-icon', 'onward-icon']);
/** Prose has a letter outside `{{ }}`; "·", "×", "%" and a number alone are not words. */
const WORDS = /\p{L}{2,}/u;

/**
 * Every literal text in the Angular templates under `root` (`*.html`, and a component's inline
 * `template:`) that is neither inside an element marked `i18n` nor, for an attribute, marked
 * `i18n-<attribute>`. Parsed with Angular's own template parser, as the compiler reads them.
 */
export function untranslatedTexts(root: string, names: readonly string[] = []): UntranslatedText[] {
  return templates(root).flatMap(({ file, template }) => untranslatedIn(template, file, names));
}

/** The untranslated texts of one template; `names` (a product's, a language's own) are not translated. */
export function untranslatedIn(template: string, file: string, names: readonly string[] = []): UntranslatedText[] {
  const found: UntranslatedText[] = [];
  const parsed = parseTemplate(template, file, { preserveWhitespaces: false });
  for (const error of parsed.errors ?? []) found.push({ file, text: `unparsable: ${error.msg}` });
  walk(parsed.nodes, false, (text) => {
    if (!names.includes(text)) found.push({ file, text });
  });
  return found;
}

function walk(nodes: readonly unknown[], translated: boolean, report: (text: string) => void): void {
  for (const node of nodes) {
    if (node instanceof TmplAstText || node instanceof TmplAstBoundText) {
      const source = node instanceof TmplAstText ? node.value : ((node.value as { source?: string }).source ?? '');
      if (!translated && WORDS.test(source.replace(/\{\{[\s\S]*?\}\}/g, ''))) report(source.trim());
      continue;
    }
    let inside = translated;
    if (node instanceof TmplAstElement) {
      inside = translated || node.i18n !== undefined;
      for (const attribute of node.attributes) {
        if (READ_ATTRIBUTES.has(attribute.name) && WORDS.test(attribute.value) && !attribute.i18n) {
          report(`${attribute.name}="${attribute.value}"`);
        }
      }
      if (NOT_PROSE.has(node.name)) continue;
    }
    const children = (node as { children?: unknown[] }).children ?? [];
    const branches = [
      ...((node as { branches?: unknown[] }).branches ?? []),
      ...((node as { cases?: unknown[] }).cases ?? []),
      (node as { empty?: unknown }).empty,
      (node as { placeholder?: unknown }).placeholder,
      (node as { loading?: unknown }).loading,
      (node as { error?: unknown }).error,
    ].filter((branch) => branch);
    walk([...children, ...branches], inside, report);
  }
}

/** The templates under `root`: whole `.html` files and the inline `template:` of `.ts` sources. */
function templates(root: string): { file: string; template: string }[] {
  return sourceFiles(root).flatMap((file) => {
    const source = readFileSync(file, 'utf8');
    if (file.endsWith('.html')) return [{ file, template: source }];
    return [...source.matchAll(/\btemplate:\s*`([^`]*)`/g)].map((match) => ({ file, template: match[1] }));
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|html)$/.test(name) && !/\.(spec|testing)\.ts$/.test(name) ? [path] : [];
  });
}
