import type { TaskContext, TaskHandler, TaskOptions } from '../task-handler';
import { OnwardTask } from '../task.decorator';
import { abortReason, sleep } from '../builtin/abortable-sleep';

export type BenchStubbornParameters = { holdMs: number };

/** Without a signal a run completes after this long, so that a forgotten one frees its worker. */
const UNSIGNALLED_MS = 600_000;

/** What both stubborn tasks declare, apart from their id, title and retry rule. */
const STUBBORN: Omit<TaskOptions, 'id' | 'title'> = {
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [
    {
      name: 'holdMs',
      label: 'Ignore the stop for (ms)',
      type: 'integer',
      required: false,
      default: 60_000,
      min: 0,
      max: 600_000,
    },
  ],
  displayParameters: [],
};

/**
 * A handler that stops late, for the crash tests: it reports "Holding", waits for its signal (a
 * cancel or a shutdown), reports "Stopping late", then ignores the signal for `holdMs` before it
 * stops. It holds a run in `cancelling`, or a worker in its shutdown hand-back, for as long as a test
 * needs to kill the process right there; each message tells the test which of the two it is in.
 * Only in the catalogue when `ONWARD_BENCH_TASKS=true`.
 */
@OnwardTask({ ...STUBBORN, id: 'bench-stubborn', title: 'Benchmark stubborn' })
export class BenchStubbornTask implements TaskHandler<BenchStubbornParameters> {
  async run(ctx: TaskContext<BenchStubbornParameters>): Promise<null> {
    ctx.progress(0, 'Holding');
    try {
      await sleep(UNSIGNALLED_MS, ctx.signal);
      return null;
    } catch {
      // Signalled: acknowledged at once, obeyed only after holdMs.
    }
    ctx.progress(0, 'Stopping late');
    await new Promise((resolve) => setTimeout(resolve, ctx.parameters.holdMs ?? 60_000));
    throw abortReason(ctx.signal);
  }
}

/** `bench-stubborn` declared `retryOnCrash`: a cancelled run of it must still never run again. */
@OnwardTask({
  ...STUBBORN,
  id: 'bench-stubborn-retry',
  title: 'Benchmark stubborn (retried on crash)',
  retryOnCrash: true,
})
export class BenchStubbornRetryTask extends BenchStubbornTask {}
