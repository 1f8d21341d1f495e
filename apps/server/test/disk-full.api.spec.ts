/**
 * A result file that cannot be written (a full disk) fails its run with a message for people and
 * leaves no partial file. For real: `ONWARD_DATA_DIR/results` is a 1 MiB tmpfs, filled up by the
 * test. Where mounting is not allowed (not root, no CAP_SYS_ADMIN), the file layer is made to fail
 * with ENOSPC instead (`fs.createWriteStream`); the test logs which of the two ran, and never skips.
 * `ONWARD_TEST_DISK_FULL=injected` picks the fallback on a machine that can mount, to check it.
 */
import { execFileSync } from 'node:child_process';
import type * as Fs from 'node:fs';
import { existsSync, mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { Api, salesReport } from './support/api';
import type { RunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { bootServer, type TestServer } from './support/server';
import { type RunsSocket, connectRuns } from './support/sockets';

// The module object itself (an `import *` is a copy under esModuleInterop): the server's calls go through it.
const fs = require('node:fs') as typeof Fs;

const DISK_FULL = "The result file could not be written: the server's disk is full";

/** How the disk is made full: a real tmpfs, or an injected ENOSPC where mounting is not allowed. */
interface FullDisk {
  readonly kind: 'tmpfs' | 'injected ENOSPC';
  /** Fills the disk, leaving about `freeBytes` (the file starts, then fails part-way). */
  fill(freeBytes: number): void;
  /** Frees it again. */
  free(): void;
  release(): void;
}

function mountTmpfs(resultsDir: string): FullDisk | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', resultsDir], { stdio: 'pipe' });
  } catch {
    return null;
  }
  const filler = join(resultsDir, 'filler.bin');
  return {
    kind: 'tmpfs',
    fill(freeBytes) {
      rmSync(filler, { force: true });
      const { bavail, bsize } = statfsSync(resultsDir);
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - freeBytes)));
    },
    free: () => rmSync(filler, { force: true }),
    release: () => execFileSync('umount', [resultsDir]),
  };
}

/** Every result file write fails with ENOSPC after `freeBytes`, as a full disk's would. */
function injectEnospc(): FullDisk {
  let freeBytes: number | null = null;
  const original = fs.createWriteStream;
  const spy = jest.spyOn(fs, 'createWriteStream').mockImplementation(((path: Fs.PathLike, options?: unknown) => {
    if (freeBytes === null) return original(path, options as Parameters<typeof original>[1]);
    const real = original(path, options as Parameters<typeof original>[1]);
    // Its errors reach the server through the wrapper below, not as an unhandled 'error' event.
    real.on('error', () => undefined);
    let left = freeBytes;
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (chunk.length > left) {
          callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 }));
          return;
        }
        left -= chunk.length;
        real.write(chunk, (error) => callback(error ?? null));
      },
      final(callback) {
        real.end(callback);
      },
      destroy(error, callback) {
        real.destroy();
        callback(error);
      },
    }) as unknown as Fs.WriteStream;
  }) as typeof fs.createWriteStream);
  return {
    kind: 'injected ENOSPC',
    fill: (bytes) => (freeBytes = bytes),
    free: () => (freeBytes = null),
    release: () => spy.mockRestore(),
  };
}

/** Run folders under results/ (the filler file and tmpfs's own entries are not runs). */
const runFolders = (resultsDir: string): string[] =>
  readdirSync(resultsDir).filter((name) => /^[0-9a-f-]{36}$/.test(name));

describeEachDatabase('a full disk', (db) => {
  let server: TestServer;
  let alice: Api;
  let socket: RunsSocket;
  let disk: FullDisk;
  let resultsDir: string;

  beforeAll(async () => {
    server = await bootServer(db);
    resultsDir = join(server.dataDir, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const injected = process.env['ONWARD_TEST_DISK_FULL'] === 'injected';
    disk = (injected ? null : mountTmpfs(resultsDir)) ?? injectEnospc();
    console.info(
      `disk-full (${db}): ${disk.kind === 'tmpfs' ? 'a real 1 MiB tmpfs' : 'an injected ENOSPC (mount not allowed)'}`,
    );
    alice = await Api.as(server.url, 'alice');
    socket = await connectRuns(server.url, alice.token as string);
  }, 60_000);
  // The tmpfs goes before the server removes its data folder.
  afterAll(async () => {
    socket?.close();
    disk?.release();
    await server?.close();
  });
  afterEach(() => disk.free());

  it('fails a report whose file does not fit, says so, and leaves no partial file', async () => {
    // Room for the first few kilobytes of the PDF only.
    disk.fill(2048);
    const run = await alice.runToEnd(salesReport('Acme'));
    expect(run.status).toBe('failed');
    expect(run.error?.message).toBe(DISK_FULL);
    expect(run.error?.details).toMatch(/ENOSPC|EDQUOT/);
    expect(run.result).toBeNull();
    expect(existsSync(join(resultsDir, run.id))).toBe(false);

    // Space again: the same report completes.
    disk.free();
    const again = await alice.runToEnd(salesReport('Acme'));
    expect(again.status).toBe('completed');
    expect(existsSync(join(resultsDir, again.id))).toBe(true);
  }, 60_000);

  it("fails a scheduler whose zip does not fit, and removes the zip's folder", async () => {
    const scheduler = await alice.startRun({
      task: 'sales-report',
      rows: [
        { customer: 'Globex', year: 2024 },
        { customer: 'Initech', year: 2024 },
      ],
    });
    // Once the first subtask's PDF is written, the disk fills up: the second PDF and the zip fail.
    const first = await socket.waitFor<RunView>(
      'run.updated',
      (r) => r.parentId === scheduler.id && r.status === 'completed',
      30_000,
    );
    disk.fill(0);
    const done = await alice.waitFinished(scheduler.id, 30_000);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toBe(DISK_FULL);
    expect(done.result).toBeNull();
    const children = (await alice.getRun(scheduler.id)).children as RunView[];
    expect(children.map((c) => c.status)).toEqual(['completed', 'failed']);
    expect(children[1].error?.message).toBe(DISK_FULL);
    expect(existsSync(join(resultsDir, scheduler.id))).toBe(false);
    expect(runFolders(resultsDir)).toContain(first.id);
    expect(runFolders(resultsDir)).not.toContain(children[1].id);
  }, 60_000);
});
