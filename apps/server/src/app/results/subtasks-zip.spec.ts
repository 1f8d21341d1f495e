import type { RunStatus } from '@onward/task-domain';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readZip } from '../../../test/support/zip';
import { failedRowLine, type SubtaskOutcome, writeSubtasksZip } from './subtasks-zip';
import { writeZip } from './zip-writer';

describe('writeSubtasksZip', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'onward-zip-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A subtask of row `position`; a completed one has the file `name` (written into `dir`). */
  function subtask(position: number, status: RunStatus, name = `row-${position}.txt`, data?: Buffer): SubtaskOutcome {
    const id = `child-${position}`;
    if (status === 'completed') writeFileSync(join(dir, id), data ?? `file of row ${position + 1}`);
    return {
      id,
      position,
      parameters: { customer: `C${position}`, year: 2024 },
      status,
      result: status === 'completed' ? { type: 'file', fileName: name, contentType: 'text/plain', size: 1 } : null,
      errorMessage: status === 'failed' ? `row ${position + 1} broke` : null,
    };
  }

  async function* pagesOf(children: SubtaskOutcome[], size: number): AsyncGenerator<SubtaskOutcome[]> {
    for (let i = 0; i < children.length; i += size) yield children.slice(i, i + size);
  }

  const fileOf = (child: SubtaskOutcome): string => join(dir, child.id);

  it('writes the files in row order, names clashes apart, and lists the failed rows in errors.txt', async () => {
    const children = [
      subtask(0, 'completed', 'report.pdf'),
      subtask(1, 'failed'),
      subtask(2, 'completed', 'report.pdf'),
      subtask(3, 'cancelled'),
      subtask(4, 'completed', 'errors.txt'),
      subtask(5, 'failed'),
    ];
    const target = join(dir, 'all.zip');
    const written = await writeSubtasksZip(target, pagesOf(children, 2), fileOf);
    expect(written).toEqual({ size: statSync(target).size, files: 3, failed: 2 });
    const entries = readZip(readFileSync(target));
    expect(entries.map((e) => e.name)).toEqual(['report.pdf', 'report (2).pdf', 'errors (2).txt', 'errors.txt']);
    expect(entries[1]?.data.toString()).toBe('file of row 3');
    expect(entries[2]?.data.toString()).toBe('file of row 5');
    expect(entries[3]?.data.toString()).toBe(
      [failedRowLine(children[1] as SubtaskOutcome), failedRowLine(children[5] as SubtaskOutcome)].join('\n'),
    );
    expect(failedRowLine(children[1] as SubtaskOutcome)).toBe('Row 2 (customer=C1, year=2024): row 2 broke');
    // The listing's working file is gone; only the zip (and the subtasks' files) stay.
    expect(readdirSync(dir).filter((f) => !f.startsWith('child-'))).toEqual(['all.zip']);
  });

  it('has no errors.txt when no row failed, and counts no file when none was made', async () => {
    const target = join(dir, 'ok.zip');
    await writeSubtasksZip(target, pagesOf([subtask(0, 'completed')], 10), fileOf);
    expect(readZip(readFileSync(target)).map((e) => e.name)).toEqual(['row-0.txt']);
    const none = await writeSubtasksZip(join(dir, 'none.zip'), pagesOf([subtask(0, 'failed')], 10), fileOf);
    expect(none).toMatchObject({ files: 0, failed: 1 });
  });

  it('reads the next page only once the previous page is mostly in the zip (memory stays flat)', async () => {
    const size = 4096;
    const pageSize = 100;
    const children = Array.from({ length: 4 * pageSize }, (_, i) =>
      subtask(i, 'completed', `f${i}.bin`, randomBytes(size)),
    );
    const target = join(dir, 'big.zip');
    const onDiskWhenAsked: number[] = [];
    async function* watched(): AsyncGenerator<SubtaskOutcome[]> {
      for (let i = 0; i < children.length; i += pageSize) {
        onDiskWhenAsked.push(i === 0 ? 0 : statSync(target).size);
        yield children.slice(i, i + pageSize);
      }
    }
    await writeSubtasksZip(target, watched(), fileOf);
    // Random bytes do not compress: by the time page k is asked for, most of the k pages before it
    // are on disk (all but the few entries handed ahead and the streams' buffers).
    for (let k = 1; k < onDiskWhenAsked.length; k++) {
      expect(onDiskWhenAsked[k]).toBeGreaterThan((k * pageSize - 30) * size);
    }
    expect(readZip(readFileSync(target))).toHaveLength(children.length);
  });

  it('fails, removing nothing it should keep, when reading the rows fails', async () => {
    async function* broken(): AsyncGenerator<SubtaskOutcome[]> {
      yield [subtask(0, 'completed'), subtask(1, 'failed')];
      throw new Error('database went away');
    }
    await expect(writeSubtasksZip(join(dir, 'x.zip'), broken(), fileOf)).rejects.toThrow('database went away');
    expect(readdirSync(dir).filter((f) => f.endsWith('.errors.txt'))).toEqual([]);
  });

  it('writeZip still takes an array and an errors text', async () => {
    const target = join(dir, 'plain.zip');
    const child = subtask(0, 'completed', 'a.txt');
    await writeZip(target, [{ path: fileOf(child), name: 'a.txt' }], 'Row 2: failed');
    const entries = readZip(readFileSync(target)).map((e) => [e.name, e.data.toString()]);
    expect(entries.sort()).toEqual([
      ['a.txt', 'file of row 1'],
      ['errors.txt', 'Row 2: failed'],
    ]);
  });

  it('numbers files of one name on, also past a name that was given literally', async () => {
    const target = join(dir, 'names.zip');
    const child = subtask(0, 'completed');
    const names = ['same.txt', 'same (2).txt', 'same.txt', 'same.txt', 'other', 'other'];
    await writeZip(
      target,
      names.map((name) => ({ path: fileOf(child), name })),
    );
    expect(
      readZip(readFileSync(target))
        .map((e) => e.name)
        .sort(),
    ).toEqual(['same.txt', 'same (2).txt', 'same (3).txt', 'same (4).txt', 'other', 'other (2)'].sort());
  });
});
