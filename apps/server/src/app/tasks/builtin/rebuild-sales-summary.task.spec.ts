import { describeEachDemoDatabase } from '../../demo/demo-databases.testing';
import type { ProcedureTask } from '../procedures/procedure-task';
import { TaskFailure } from '../task-handler';
import { TaskRegistry } from '../task-registry.service';
import { type BuiltinTasksFixture, recordingContext, startBuiltinTasks } from './builtin-tasks.testing';

describeEachDemoDatabase('rebuild-sales-summary', (kind) => {
  let fixture: BuiltinTasksFixture;

  beforeAll(async () => {
    fixture = await startBuiltinTasks(kind);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const task = (): ProcedureTask | undefined =>
    fixture.moduleRef.get(TaskRegistry).get('rebuild-sales-summary')?.handler as ProcedureTask | undefined;

  if (kind === 'sqlite') {
    it('is not in the catalogue on SQLite', () => {
      expect(task()).toBeUndefined();
    });
    return;
  }

  /** A table of the suite's schema. */
  const table = (name: string): string =>
    `"${String((fixture.dataSource.options as { schema?: string }).schema)}".${name}`;

  const summary = async (year: number): Promise<{ month: number; revenue: string }[]> =>
    (await fixture.dataSource.query(
      `SELECT month, sum(revenue_cents)::text AS revenue FROM ${table('sales_summary')} WHERE year = $1 GROUP BY month ORDER BY month`,
      [year],
    )) as { month: number; revenue: string }[];

  it('rebuilds a year month by month, one progress report per chunk, and totals what the orders say', async () => {
    const recording = recordingContext({ year: 2025 }, '/tmp');
    const result = (await task()?.run(recording.ctx)) as { rows_written: number };
    expect(recording.progress.map((p) => p.message)).toEqual(
      Array.from({ length: 12 }, (_, i) => `Chunk ${i + 1} of 12`),
    );
    expect(recording.progress.map((p) => Math.round(p.percent ?? 0))).toEqual(
      Array.from({ length: 12 }, (_, i) => Math.round(((i + 1) * 100) / 12)),
    );
    const [{ rows, revenue }] = (await fixture.dataSource.query(
      `SELECT (SELECT count(*)::int FROM ${table('sales_summary')} WHERE year = 2025) AS rows,
              (SELECT sum(quantity::bigint * unit_price_cents)::text FROM ${table('orders')} WHERE ordered_on LIKE '2025-%') AS revenue`,
    )) as { rows: number; revenue: string }[];
    expect(result).toEqual({ rows_written: rows });
    const months = await summary(2025);
    expect(months.reduce((sum, m) => sum + BigInt(m.revenue), 0n).toString()).toBe(revenue);
  });

  it('fails for a year without orders, with its SQLSTATE, detail and hint, and leaves the summary as it was', async () => {
    const before = await summary(2025);
    const failure = await task()
      ?.run(recordingContext({ year: 1999 }, '/tmp').ctx)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect((failure as TaskFailure).message).toBe('Year 1999 has no orders');
    expect((failure as TaskFailure).details).toMatch(/^SQLSTATE: P0001\nDETAIL: .+\nHINT: .+\nCONTEXT: /);
    expect(await summary(2025)).toEqual(before);
  });
});
