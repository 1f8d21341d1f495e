/**
 * Runs of the benchmark-only `bench-stubborn` task (ONWARD_BENCH_TASKS=true), which stop late: a test
 * holds such a run `cancelling` (or a worker in its shutdown hand-back) and kills its process there.
 * Its handler reports "Holding" once running, and "Stopping late" once its signal has reached it.
 */
import type { Api, StartRunBody } from './api';
import { type RunStatus, type RunView, expectRunView } from './contract';
import type { TestServer } from './server';
import { storedRun } from './stored-rows';

export const HOLDING = 'Holding';
export const STOPPING_LATE = 'Stopping late';

/** A stubborn run that goes on for `holdMs` after its signal; `retried`: the task declared retryOnCrash. */
export function stubborn(holdMs = 60_000, options: { retried?: boolean } = {}): StartRunBody {
  const task = options.retried ? 'bench-stubborn-retry' : 'bench-stubborn';
  return { task, parameters: { holdMs }, mode: 'background' };
}

/** Rows of a scheduler over `count` stubborn subtasks. */
export function stubbornRows(count: number, holdMs = 60_000): StartRunBody {
  return { task: 'bench-stubborn', rows: Array.from({ length: count }, () => ({ holdMs })), mode: 'background' };
}

/** Waits until the handler executes the run and holds it (`running`, "Holding"). */
export function untilHolding(api: Api, id: string, withinMs = 30_000): Promise<RunView> {
  return api.pollRun(id, (r) => r.status === 'running' && r.progress.message === HOLDING, withinMs, 'running, holding');
}

/** Waits until the handler has got its signal and ignores it, the run still `status`. */
export function untilStoppingLate(api: Api, id: string, status: RunStatus, withinMs = 30_000): Promise<RunView> {
  return api.pollRun(
    id,
    (r) => r.status === status && r.progress.message === STOPPING_LATE,
    withinMs,
    `${status}, its handler stopping late`,
  );
}

/** POST /api/runs/:id/cancel, asserting that the server accepted it: 202 and `cancelling`. */
export async function cancelAccepted(api: Api, id: string): Promise<RunView> {
  const res = await api.post(`/api/runs/${id}/cancel`);
  expect(res.status).toBe(202);
  const view = expectRunView(res.body);
  expect(view.status).toBe('cancelling');
  return view;
}

/**
 * What a user whose cancel was accepted must see at the end: `cancelled`, with no error, and the run
 * claimed once only (`attempts`, stored where `server` keeps its runs, counts each start).
 */
export async function expectCancelledOnce(
  final: RunView,
  server: Pick<TestServer, 'schema' | 'dataDir'>,
): Promise<void> {
  const stored = await storedRun(server, final.id);
  expect({
    status: final.status,
    error: final.error,
    finished: final.finishedAt !== null,
    attempts: stored['attempts'],
  }).toEqual({ status: 'cancelled', error: null, finished: true, attempts: 1 });
}

/**
 * What a user who cancelled a scheduler (its subtasks `ids`, in row order) while its first subtask
 * (`first`, as it was when it held) ran must see once its process died: the scheduler and every subtask `cancelled`, counted so; the
 * current subtask never started again and the others never ran. `restarts` are updates a socket saw
 * that started or queued a subtask again (none expected), where the test watches a socket.
 */
export async function expectSchedulerCancelled(
  api: Api,
  schedulerId: string,
  ids: string[],
  first: RunView,
  withinMs: number,
  restarts?: () => RunView[],
): Promise<void> {
  await api.waitFinished(schedulerId, withinMs);
  const final = await api.getRun(schedulerId);
  const subtasks = final.children ?? [];
  // One comparison, so that a failure shows every difference at once.
  expect({
    status: final.status,
    scheduler: final.scheduler,
    subtasks: subtasks.map((c) => ({ id: c.id, status: c.status, error: c.error?.message ?? null })),
    startedAt: subtasks.map((c) => c.startedAt),
    ...(restarts ? { restarts: restarts() } : {}),
  }).toEqual({
    status: 'cancelled',
    scheduler: { total: ids.length, completed: 0, failed: 0, cancelled: ids.length, current: null },
    subtasks: ids.map((id) => ({ id, status: 'cancelled', error: null })),
    startedAt: ids.map((id) => (id === first.id ? first.startedAt : null)),
    ...(restarts ? { restarts: [] } : {}),
  });
}
