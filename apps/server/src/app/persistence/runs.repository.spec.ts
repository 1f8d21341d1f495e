import { randomUUID } from 'node:crypto';

import { type EmbeddedApp, startEmbeddedApp } from '../app.testing';
import { RunEntity } from './run.entity';
import { runRow } from './run-row.testing';
import { DELETION_RETENTION_MS, RunDeletionsRepository } from './run-deletions.repository';
import { RunWriter } from './run-writer';
import { CHILDREN_PER_PAGE, RunsRepository } from './runs.repository';

const DAY = 24 * 60 * 60_000;

describe('RunsRepository, RunWriter, RunDeletionsRepository: deletions are remembered for API processes that lost Redis', () => {
  let embedded: EmbeddedApp;
  let repository: RunsRepository;
  let writer: RunWriter;
  let deletions: RunDeletionsRepository;
  const ownerId = randomUUID();

  beforeAll(async () => {
    embedded = await startEmbeddedApp('repository');
    repository = embedded.app.get(RunsRepository);
    writer = embedded.app.get(RunWriter);
    deletions = embedded.app.get(RunDeletionsRepository);
  }, 60_000);

  afterAll(async () => {
    await embedded?.close();
  });

  const row = (changes: Partial<RunEntity> = {}): RunEntity =>
    runRow(ownerId, { status: 'completed', version: 3, ...changes });

  const old = row();

  it('deletes a run with its subtasks and remembers it; forgets deletions older than the retention', async () => {
    expect(DELETION_RETENTION_MS).toBe(DAY);
    const now = Date.now();
    const at = (ms: number): string => new Date(now + ms).toISOString();
    const scheduler = row({ scheduler: { total: 2, completed: 2, failed: 0, cancelled: 0, current: null } });
    const children = [0, 1].map((position) => row({ parentId: scheduler.id, position }));
    const later = row();
    await writer.insert([old, scheduler, ...children, later]);

    // Two days ago, then now: the first delete of a process prunes (nothing yet), the next one ten
    // minutes or more after it prunes again and forgets the first deletion.
    await deletions.deleteWithChildren(old, at(-2 * DAY));
    expect((await deletions.findDeletedSince(at(-3 * DAY))).map((d) => d.id)).toEqual([old.id]);
    await deletions.deleteWithChildren(scheduler, at(0));
    for (const run of [scheduler, ...children]) expect(await repository.findById(run.id)).toBeNull();
    expect(await deletions.findDeletedSince(at(-3 * DAY))).toEqual([
      expect.objectContaining({ id: scheduler.id, ownerId, deletedAt: at(0) }),
    ]);

    // A minute later: no pruning, and only what was deleted since is found.
    await deletions.deleteWithChildren(later, at(60_000));
    expect((await deletions.findDeletedSince(at(1))).map((d) => d.id)).toEqual([later.id]);
    expect((await deletions.findDeletedSince(at(-DAY))).map((d) => d.id).sort()).toEqual(
      [scheduler.id, later.id].sort(),
    );
  });

  it('a run deleted twice at once is remembered once', async () => {
    const run = row();
    await writer.insert([run]);
    const at = new Date().toISOString();
    await Promise.all([deletions.deleteWithChildren(run, at), deletions.deleteWithChildren(run, at)]);
    expect((await deletions.findDeletedSince(at)).filter((d) => d.id === run.id)).toHaveLength(1);
  });

  describe("a scheduler's subtasks", () => {
    // More rows than one INSERT can carry (SQLite binds at most 32,766 parameters): several statements.
    const total = 3 * CHILDREN_PER_PAGE + 7;
    const scheduler = row({ scheduler: { total, completed: 0, failed: 0, cancelled: 0, current: null } });
    // Stored in another order than their rows, so that only the query can put them in row order.
    const children = Array.from({ length: total }, (_, i) =>
      row({ parentId: scheduler.id, position: (i * 7) % total }),
    );

    beforeAll(async () => {
      await writer.insert([scheduler, ...children]);
    });

    it('stores a selection of several INSERTs whole', async () => {
      expect((await repository.findChildIds(scheduler.id)).sort()).toEqual(children.map((c) => c.id).sort());
    });

    it('counts them by status in the database', async () => {
      expect(await repository.countChildrenByStatus(scheduler.id)).toEqual({ completed: total });
      expect(await repository.countChildrenByStatus(old.id)).toEqual({});
    });

    it('pages through them in row order, from any position', async () => {
      const first = await repository.findChildrenPage(scheduler.id, null, 3);
      expect(first.map((c) => c.position)).toEqual([0, 1, 2]);
      const later = await repository.findChildrenPage(scheduler.id, 2, 2);
      expect(later.map((c) => c.position)).toEqual([3, 4]);
      expect(await repository.findChildrenPage(scheduler.id, total - 1, 5)).toEqual([]);
    });

    it('childrenPages yields every subtask once, a page at a time', async () => {
      const sizes: number[] = [];
      const positions: (number | null)[] = [];
      for await (const page of repository.childrenPages(scheduler.id)) {
        sizes.push(page.length);
        positions.push(...page.map((c) => c.position));
      }
      expect(sizes).toEqual([CHILDREN_PER_PAGE, CHILDREN_PER_PAGE, CHILDREN_PER_PAGE, 7]);
      expect(positions).toEqual(Array.from({ length: total }, (_, i) => i));
      const exact: number[] = [];
      for await (const page of repository.childrenPages(scheduler.id, total)) exact.push(page.length);
      expect(exact).toEqual([total]);
      for await (const page of repository.childrenPages(old.id))
        throw new Error(`no subtasks expected, got ${page.length}`);
    });
  });
});
