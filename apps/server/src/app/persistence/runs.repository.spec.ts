import { randomUUID } from 'node:crypto';

import { type EmbeddedApp, startEmbeddedApp } from '../app.testing';
import { RunEntity } from './run.entity';
import { runRow } from './run-row.testing';
import { DELETION_RETENTION_MS, RunsRepository } from './runs.repository';

const DAY = 24 * 60 * 60_000;

describe('RunsRepository: deletions are remembered for API processes that lost Redis', () => {
  let embedded: EmbeddedApp;
  let repository: RunsRepository;
  const ownerId = randomUUID();

  beforeAll(async () => {
    embedded = await startEmbeddedApp('repository');
    repository = embedded.app.get(RunsRepository);
  }, 60_000);

  afterAll(async () => {
    await embedded?.close();
  });

  const row = (changes: Partial<RunEntity> = {}): RunEntity =>
    runRow(ownerId, { status: 'completed', version: 3, ...changes });

  it('deletes a run with its subtasks and remembers it; forgets deletions older than the retention', async () => {
    expect(DELETION_RETENTION_MS).toBe(DAY);
    const now = Date.now();
    const at = (ms: number): string => new Date(now + ms).toISOString();
    const old = row();
    const scheduler = row({ scheduler: { total: 2, completed: 2, failed: 0, cancelled: 0, current: null } });
    const children = [0, 1].map((position) => row({ parentId: scheduler.id, position }));
    const later = row();
    await repository.insert([old, scheduler, ...children, later]);

    // Two days ago, then now: the first delete of a process prunes (nothing yet), the next one ten
    // minutes or more after it prunes again and forgets the first deletion.
    await repository.deleteWithChildren(old, at(-2 * DAY));
    expect((await repository.findDeletedSince(at(-3 * DAY))).map((d) => d.id)).toEqual([old.id]);
    await repository.deleteWithChildren(scheduler, at(0));
    for (const run of [scheduler, ...children]) expect(await repository.findById(run.id)).toBeNull();
    expect(await repository.findDeletedSince(at(-3 * DAY))).toEqual([
      expect.objectContaining({ id: scheduler.id, ownerId, deletedAt: at(0) }),
    ]);

    // A minute later: no pruning, and only what was deleted since is found.
    await repository.deleteWithChildren(later, at(60_000));
    expect((await repository.findDeletedSince(at(1))).map((d) => d.id)).toEqual([later.id]);
    expect((await repository.findDeletedSince(at(-DAY))).map((d) => d.id).sort()).toEqual(
      [scheduler.id, later.id].sort(),
    );
  });

  it('a run deleted twice at once is remembered once', async () => {
    const run = row();
    await repository.insert([run]);
    const at = new Date().toISOString();
    await Promise.all([repository.deleteWithChildren(run, at), repository.deleteWithChildren(run, at)]);
    expect((await repository.findDeletedSince(at)).filter((d) => d.id === run.id)).toHaveLength(1);
  });
});
