/**
 * Test support for the built-in tasks (no jest globals, so it also type-checks with the app): the
 * real BuiltinTasksModule on a real, seeded demo database, and a TaskContext made of plain parts — a
 * real file stream, a real AbortController, and a record of the progress calls.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

import { Global, Logger, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { OnwardLocale, Parameters } from '@onward/task-domain';
import { DataSource } from 'typeorm';

import { seedDemoData } from '../../demo/demo-data.seeder';
import { createDemoDatabase, type DemoDatabaseKind } from '../../demo/demo-databases.testing';
import type { TaskContext } from '../task-handler';
import { TaskRegistry } from '../task-registry.service';
import { BuiltinTasksModule } from './builtin-tasks.module';
import { type UploadedFile, UploadedFileReader } from './uploaded-file.reader';

/** Uploads for the task specs: files on disk registered under a run id, as a finished upload would be. */
export class TestUploads extends UploadedFileReader {
  private readonly files = new Map<string, { path: string; fileName: string }>();

  /** Registers `path` as a completed upload named `fileName`; returns its run id. */
  add(path: string, fileName: string): string {
    const id = randomUUID();
    this.files.set(id, { path, fileName });
    return id;
  }

  async fileNameOf(runId: string): Promise<string | null> {
    return this.files.get(runId)?.fileName ?? null;
  }

  async open(runId: string): Promise<UploadedFile> {
    const file = this.files.get(runId);
    if (!file) throw new Error(`no test upload ${runId}`);
    return { ...file, size: (await stat(file.path)).size };
  }
}

const testUploads = new TestUploads();

/** What the global TasksModule provides in the server: here, the test uploads. */
@Global()
@Module({ providers: [{ provide: UploadedFileReader, useValue: testUploads }], exports: [UploadedFileReader] })
class TestUploadsModule {}

/** The Nest module under test, its seeded database, and how to tear both down. */
export interface BuiltinTasksFixture {
  moduleRef: TestingModule;
  dataSource: DataSource;
  uploads: TestUploads;
  close(): Promise<void>;
}

export async function startBuiltinTasks(kind: DemoDatabaseKind): Promise<BuiltinTasksFixture> {
  const database = await createDemoDatabase(kind, { procedures: true });
  let moduleRef: TestingModule | undefined;
  try {
    moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(database.options), DiscoveryModule, TestUploadsModule, BuiltinTasksModule],
      providers: [TaskRegistry],
    }).compile();
    await moduleRef.init();
    const dataSource = moduleRef.get(DataSource);
    await seedDemoData(dataSource);
    const ref = moduleRef;
    return {
      moduleRef: ref,
      dataSource,
      uploads: testUploads,
      close: async () => {
        await ref.close();
        await database.dispose();
      },
    };
  } catch (error) {
    await moduleRef?.close();
    await database.dispose();
    throw error;
  }
}

export interface ProgressCall {
  percent: number | null;
  message: string | null;
}

export interface OpenedFile {
  fileName: string;
  contentType: string;
  path: string;
  stream: Writable;
}

/** A TaskContext over plain parts, and what the handler did with it. */
export interface RecordingContext<P extends Parameters> {
  ctx: TaskContext<P>;
  controller: AbortController;
  progress: ProgressCall[];
  files: OpenedFile[];
  /** The handler's last `setSummary` sentence, if any. */
  summary(): string | null;
  /** Resolves once a progress call matching `match` has been made (or at once if one was). */
  progressReached(match: (call: ProgressCall) => boolean): Promise<void>;
}

export function recordingContext<P extends Parameters>(
  parameters: P,
  dir: string,
  locale: OnwardLocale = 'en',
): RecordingContext<P> {
  const controller = new AbortController();
  const progress: ProgressCall[] = [];
  const files: OpenedFile[] = [];
  let summary: string | null = null;
  const waiters: { match: (call: ProgressCall) => boolean; resolve: () => void }[] = [];
  const ctx: TaskContext<P> = {
    runId: 'test-run',
    attempt: 1,
    locale,
    parameters,
    signal: controller.signal,
    logger: new Logger('BuiltinTaskTest'),
    progress(percent, message = null) {
      const call = { percent, message };
      progress.push(call);
      for (const waiter of waiters.filter((w) => w.match(call))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    openResultFile(fileName, contentType) {
      if (files.length > 0) throw new Error('a run has at most one result file');
      const path = join(dir, `${files.length}-${fileName}`);
      const stream = createWriteStream(path);
      files.push({ fileName, contentType, path, stream });
      return stream;
    },
    setSummary(sentence) {
      summary = sentence;
    },
  };
  return {
    ctx,
    summary: () => summary,
    controller,
    progress,
    files,
    progressReached: (match) =>
      progress.some(match) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ match, resolve })),
  };
}

let pdftotext: boolean | undefined;

/**
 * The text of a PDF (or of one page) by poppler's pdftotext, laid out as on the page; null when
 * pdftotext is not installed, so that only the assertions that need it are left out.
 */
export function pdfText(path: string, page?: number): string | null {
  pdftotext ??= spawnSync('pdftotext', ['-v']).error === undefined;
  if (!pdftotext) return null;
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  const result = spawnSync('pdftotext', ['-layout', ...range, path, '-'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pdftotext failed on ${path}: ${result.stderr}`);
  return result.stdout;
}

/** The number of pages, from the PDF's own page tree (no poppler needed). */
export function pdfPageCount(bytes: Buffer): number {
  const match = /\/Type\s*\/Pages[^>]*?\/Count\s+(\d+)/.exec(bytes.toString('latin1'));
  return match ? Number(match[1]) : 0;
}

/** `text` as a literal inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
