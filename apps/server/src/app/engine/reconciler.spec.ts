import { randomUUID } from 'node:crypto';

import { dropSchema, postgresUrlWithSchema, uniqueSchemaName } from '../../../test/support/databases';
import { deleteRedisPrefix, redisUrlWithPrefix, uniqueRedisPrefix } from '../../../test/support/redis';
import { describeNeeding } from '../../../test/support/services';
import { type EmbeddedApp, startEmbeddedApp } from '../app.testing';
import { RunQueue } from '../queue/run-queue.port';
import { RunEntity } from '../persistence/run.entity';
import { runRow } from '../persistence/run-row.testing';
import { Reconciler } from './reconciler';
import { RunWriter } from '../persistence/run-writer';
import { RunsRepository } from '../persistence/runs.repository';

// Redis mode on the real BullMQ queue and PostgreSQL, in an API process (no worker executes the runs,
// so what the queue holds stays put); one reconciler pass is called directly.
describeNeeding(['postgres', 'redis'], 'Reconciler.reconcile: queued runs without a job', () => {
  const schema = uniqueSchemaName();
  const prefix = uniqueRedisPrefix();
  let embedded: EmbeddedApp;
  let repository: RunsRepository;
  let writer: RunWriter;
  let queue: RunQueue;
  let worker: Reconciler;
  const ownerId = randomUUID();

  beforeAll(async () => {
    embedded = await startEmbeddedApp('reconcile', {
      DATABASE_URL: postgresUrlWithSchema(schema),
      REDIS_URL: redisUrlWithPrefix(prefix),
      ONWARD_ROLE: 'api',
    });
    repository = embedded.app.get(RunsRepository);
    writer = embedded.app.get(RunWriter);
    queue = embedded.app.get(RunQueue);
    worker = embedded.app.get(Reconciler);
  }, 60_000);

  afterAll(async () => {
    await embedded?.close();
    await dropSchema(schema);
    await deleteRedisPrefix(prefix);
  });

  afterEach(() => jest.restoreAllMocks());

  const run = (status: RunEntity['status']): RunEntity => runRow(ownerId, { status });
  const job = (r: RunEntity): { runId: string; ownerId: string } => ({ runId: r.id, ownerId: r.ownerId });

  it('enqueues the queued runs that have no job, and only those', async () => {
    const [lost, held, done] = [run('queued'), run('queued'), run('completed')];
    await writer.insert([lost, held, done]);
    await queue.enqueue(job(held));
    expect(await queue.missing([lost, held, done].map(job))).toEqual([job(lost), job(done)]);

    await worker.reconcile();
    expect(await queue.missing([lost, held, done].map(job))).toEqual([job(done)]);
  });

  it('does not enqueue a run whose job finished while the pass was reading (it would execute twice)', async () => {
    const finished = run('completed');
    await writer.insert([finished]);
    // The pass read the run while it was still queued; by the time it looks, its job has finished
    // and left the queue.
    const read = jest.spyOn(repository, 'findQueuedJobs').mockResolvedValueOnce([job(finished)]);

    await worker.reconcile();
    expect(read).toHaveBeenCalledTimes(2);
    expect(await queue.missing([job(finished)])).toEqual([job(finished)]);
  });
});
