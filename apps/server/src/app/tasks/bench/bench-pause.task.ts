import type { TaskContext, TaskHandler } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { sleep } from '../builtin/abortable-sleep';

export type BenchPauseParameters = { steps: number; ms: number };

const PARAMETERS = [
  { name: 'steps', label: 'Steps', type: 'integer' as const, required: false, default: 2, min: 1, max: 100 },
  { name: 'ms', label: 'Pause per step (ms)', type: 'integer' as const, required: true, min: 0, max: 600_000 },
];

/** Reports progress at each of `steps` steps, then pauses `ms` without a word: for the stall warning. */
@OnwardTask({
  id: 'bench-pause',
  title: 'Benchmark pauses',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: PARAMETERS,
  displayParameters: [],
})
export class BenchPauseTask implements TaskHandler<BenchPauseParameters> {
  async run(ctx: TaskContext<BenchPauseParameters>): Promise<null> {
    for (let step = 1; step <= ctx.parameters.steps; step++) {
      ctx.progress((100 * (step - 1)) / ctx.parameters.steps, `Step ${step} of ${ctx.parameters.steps}`);
      await sleep(ctx.parameters.ms, ctx.signal);
    }
    return null;
  }
}

/** The same pauses from a task that declares it reports no progress: never shown stalled. */
@OnwardTask({
  id: 'bench-silent',
  title: 'Benchmark silent',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: PARAMETERS,
  displayParameters: [],
  reportsProgress: false,
})
export class BenchSilentTask implements TaskHandler<BenchPauseParameters> {
  async run(ctx: TaskContext<BenchPauseParameters>): Promise<null> {
    await sleep(ctx.parameters.steps * ctx.parameters.ms, ctx.signal);
    return null;
  }
}
