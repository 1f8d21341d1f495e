import type { RunView } from '@onward/task-domain';

import type { RunEntity } from './run.entity';

/** The contract's RunView of a stored run. */
export function toRunView(run: RunEntity): RunView {
  return {
    id: run.id,
    task: run.task,
    title: run.title,
    kind: run.kind,
    owner: { id: run.ownerId, username: run.ownerUsername },
    mode: run.mode,
    display: run.display,
    status: run.status,
    progress: { percent: run.progressPercent, message: run.progressMessage },
    result: run.result,
    error: run.errorMessage === null ? null : { message: run.errorMessage, details: run.errorDetails },
    parentId: run.parentId,
    scheduler: run.scheduler,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    version: run.version,
    cancelledBy: run.cancelledBy ?? null,
    rerunOf: run.rerunOf ?? null,
    // Only a running run is stalled; the flag is not cleared when a run ends.
    stalled: run.status === 'running' && Boolean(run.stalled),
    // Filled in by RunViews, which knows the queue and the tasks' durations.
    queue: null,
    estimate: null,
    ...(run.firstRows ? { firstRows: run.firstRows } : {}),
  };
}
