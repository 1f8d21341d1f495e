import { randomUUID } from 'node:crypto';

import { RunEntity } from './run.entity';

/**
 * A run row for specs that write runs straight into the table: a queued `sales-report` of `ownerId`
 * (alice), with `changes` on top.
 */
export function runRow(ownerId: string, changes: Partial<RunEntity> = {}): RunEntity {
  return Object.assign(new RunEntity(), {
    id: randomUUID(),
    task: 'sales-report',
    title: 'Sales report',
    kind: 'report',
    ownerId,
    ownerUsername: 'alice',
    mode: 'background',
    status: 'queued',
    parameters: { customer: 'Acme', year: 2024 },
    display: { customer: 'Acme', year: 2024 },
    progressPercent: null,
    progressMessage: null,
    result: null,
    errorMessage: null,
    errorDetails: null,
    parentId: null,
    position: null,
    scheduler: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    version: 1,
    attempts: 0,
    cancelledBy: null,
    firstRows: null,
    rerunOf: null,
    locale: 'en',
    queueTold: null,
    stalled: false,
    ...changes,
  });
}
