import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeEachDemoDatabase } from '../../demo/demo-databases.testing';
import { Product } from '../../demo/product.entity';
import { TaskFailure } from '../task-handler';
import { type BuiltinTasksFixture, recordingContext, startBuiltinTasks } from './builtin-tasks.testing';
import { RecalculatePricesTask, type RecalculatePricesParameters } from './recalculate-prices.task';

describeEachDemoDatabase('recalculate-prices', (kind) => {
  let fixture: BuiltinTasksFixture;
  let task: RecalculatePricesTask;
  let dir: string;

  beforeAll(async () => {
    fixture = await startBuiltinTasks(kind);
    task = fixture.moduleRef.get(RecalculatePricesTask);
    dir = await mkdtemp(join(tmpdir(), 'onward-recalculate-'));
  });

  afterAll(async () => {
    await fixture?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const products = () => fixture.dataSource.getRepository(Product).find({ order: { id: 'ASC' } });

  /** Back to list prices, so that every test starts from the seeded state. */
  beforeEach(async () => {
    await fixture.dataSource
      .createQueryBuilder()
      .update(Product)
      .set({ priceCents: () => 'base_price_cents' })
      .execute();
  });

  const run = (parameters: RecalculatePricesParameters) => {
    const recording = recordingContext(parameters, dir);
    return { ...recording, done: task.run(recording.ctx) };
  };

  it('reprices the category’s products by demand, chunk by chunk, and counts the rows it updated', async () => {
    const { done, progress, files, summary } = run({ category: 'hardware', seconds: 1.5 });
    const result = await done;

    const after = await products();
    const hardware = after.filter((p) => p.category === 'Hardware');
    expect(result).toEqual({ updated: 2 * hardware.length });
    expect(summary()).toBe(`${2 * hardware.length} prices updated`);
    expect(hardware.some((p) => p.priceCents !== p.basePriceCents)).toBe(true);
    for (const p of hardware) {
      expect(p.priceCents).toBeGreaterThanOrEqual(Math.round(p.basePriceCents * 0.9));
      expect(p.priceCents).toBeLessThanOrEqual(Math.round(p.basePriceCents * 1.15));
    }
    for (const p of after.filter((p) => p.category !== 'Hardware')) expect(p.priceCents).toBe(p.basePriceCents);

    expect(progress.map((p) => p.message)).toEqual(expect.arrayContaining(['Chunk 1 of 2', 'Chunk 2 of 2']));
    expect(progress.at(-1)?.percent).toBe(100);
    expect(files).toEqual([]);
  });

  it('works in one chunk for the shortest duration', async () => {
    const { done, progress } = run({ category: 'Services', seconds: 0.5 });
    const services = (await products()).filter((p) => p.category === 'Services');
    expect(await done).toEqual({ updated: services.length });
    expect(progress.map((p) => p.message)).toContain('Chunk 1 of 1');
  });

  it('reports in Dutch for a Dutch run', async () => {
    const recording = recordingContext({ category: 'Services', seconds: 0.5 }, dir, 'nl');
    const { updated } = await task.run(recording.ctx);
    expect(recording.progress.map((p) => p.message)).toEqual(['Deel 1 van 1', `${updated} prijzen bijgewerkt`]);
    expect(recording.summary()).toBe(`${updated} ${updated === 1 ? 'prijs' : 'prijzen'} bijgewerkt`);
  });

  it('fails for an unknown category with a message naming it, and changes nothing', async () => {
    const before = await products();
    const { done } = run({ category: 'Food', seconds: 1 });
    await expect(done).rejects.toBeInstanceOf(TaskFailure);
    await expect(done).rejects.toThrow('Unknown category "Food"');
    expect(await products()).toEqual(before);
  });

  it('fails for an unknown category in the language of the run, listing the known ones', async () => {
    const recording = recordingContext({ category: 'Food', seconds: 1 }, dir, 'nl');
    const failure = await task.run(recording.ctx).catch((error: TaskFailure) => error);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect((failure as TaskFailure).message).toBe('Onbekende categorie "Food"');
    expect((failure as TaskFailure).details).toMatch(/^Bekende categorieën: .*Services/);
  });

  it('stops soon after a cancel instead of running its 30 seconds', async () => {
    const { done, controller, progressReached } = run({ category: 'Software', seconds: 30 });
    done.catch(() => undefined);
    await progressReached((p) => p.message === 'Chunk 2 of 30');
    const reason = new Error('cancelled by the user');
    controller.abort(reason);
    // A generous bound, not a timing: a handler that ignored the cancel would still be running at 28 s.
    let bound: NodeJS.Timeout | undefined;
    const stillRunning = new Promise<string>((resolve) => (bound = setTimeout(() => resolve('still running'), 5000)));
    try {
      await expect(Promise.race([done, stillRunning])).rejects.toBe(reason);
    } finally {
      clearTimeout(bound);
    }
  });
});
