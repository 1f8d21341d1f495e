import archiver from 'archiver';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

export interface ZipEntry {
  /** Where the file is on disk. */
  path: string;
  /** Its name inside the zip. */
  name: string;
}

/** Streams files (and an optional `errors.txt`) into a zip at `target`; returns its size. */
export async function writeZip(target: string, entries: ZipEntry[], errorsText: string | null): Promise<number> {
  const output = createWriteStream(target);
  const archive = archiver('zip', { zlib: { level: 6 } });
  // The file's errors too (a full disk): piping does not pass them on, and `finalize` would wait forever.
  const failure = new Promise<never>((_, reject) => {
    archive.on('error', reject);
    output.on('error', reject);
  });
  failure.catch(() => archive.abort());
  archive.pipe(output);
  const used = new Set<string>();
  for (const entry of entries) {
    let name = entry.name;
    for (let n = 2; used.has(name); n++) name = entry.name.replace(/(\.[^.]*)?$/, (ext) => ` (${n})${ext}`);
    used.add(name);
    archive.file(entry.path, { name });
  }
  if (errorsText !== null) archive.append(errorsText, { name: 'errors.txt' });
  await Promise.race([archive.finalize(), failure]);
  await Promise.race([finished(output), failure]);
  return archive.pointer();
}
