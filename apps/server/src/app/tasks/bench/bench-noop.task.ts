import type { TaskContext, TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { sleep } from '../builtin/abortable-sleep';

export type BenchNoopParameters = { ms: number; apiKey?: string };

/** Progress interval of a `bench-noop` run with `ms` > 0: 100 updates a second. */
const TICK_MS = 10;

/**
 * A task that does nothing and completes, so that `bench/` measures Onward and not a task. With
 * `ms` > 0 it reports progress every 10 ms for that long. Only in the catalogue when
 * `ONWARD_BENCH_TASKS=true`.
 */
@OnwardTask({
  id: 'bench-noop',
  title: 'Benchmark no-op',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [
    { name: 'ms', label: 'Duration (ms)', type: 'integer', required: false, default: 0, min: 0, max: 600_000 },
    // Unused by the task: it shows (and the log spec checks) that a secret value stays out of the log.
    { name: 'apiKey', label: 'API key', type: 'string', required: false, secret: true },
  ],
  displayParameters: [],
})
export class BenchNoopTask implements TaskHandler<BenchNoopParameters> {
  async run(ctx: TaskContext<BenchNoopParameters>): Promise<null> {
    const ms = ctx.parameters.ms ?? 0;
    const end = Date.now() + ms;
    for (let left = ms; left > 0; left = end - Date.now()) {
      ctx.progress((100 * (ms - left)) / ms, 'Working');
      await sleep(Math.min(TICK_MS, left), ctx.signal);
    }
    return null;
  }
}
