import type { TaskContext, TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';

export type BenchFileParameters = { row: number };

/**
 * A task that writes one small text file (`bench-<row>.txt`, under 100 bytes) and completes, so that
 * `bench/` can measure a scheduler's combined zip of many files. Only in the catalogue when
 * `ONWARD_BENCH_TASKS=true`, like `bench-noop`.
 */
@OnwardTask({
  id: 'bench-file',
  title: 'Benchmark file',
  kind: 'report',
  awaitResult: 'optional',
  background: true,
  parameters: [{ name: 'row', label: 'Row', type: 'integer', required: false, default: 0, min: 0, max: 1_000_000 }],
  displayParameters: ['row'],
})
export class BenchFileTask implements TaskHandler<BenchFileParameters> {
  async run(ctx: TaskContext<BenchFileParameters>): Promise<void> {
    const row = ctx.parameters.row ?? 0;
    const out = ctx.openResultFile(`bench-${row}.txt`, 'text/plain');
    out.end(`Row ${row} of a benchmark selection, run ${ctx.runId}\n`);
  }
}
