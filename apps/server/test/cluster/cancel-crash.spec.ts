import { Api, pollUntil } from '../support/api';
import type { RunView } from '../support/contract';
import { type RunsSocket, connectRuns } from '../support/sockets';
import {
  cancelAccepted,
  expectCancelledOnce,
  expectSchedulerCancelled,
  stubborn,
  stubbornRows,
  untilHolding,
  untilStoppingLate,
} from '../support/stubborn';
import {
  Cluster,
  FAULT_TEST_WORKER_ENV,
  type OnwardProcess,
  deleteRedisKeys,
  describeCluster,
  prepareCluster,
} from './support/cluster';
import { RowLock } from './support/row-lock';

// A cancel the server accepted (202, `cancelling`) ends `cancelled` on every recovery path of Redis
// mode, and the run never executes again: BullMQ's stalled-job check handing the dead worker's job to
// another worker, the reconciler adopting a run whose job Redis lost, a retryOnCrash task, the SIGTERM
// hand-back, a scheduler. One API process, two workers (a 2 s lock, one job each, no shutdown grace,
// debug logs naming the runs they start); runs of `bench-stubborn`, whose handler ignores its signal.
const WORKER_ENV = { ...FAULT_TEST_WORKER_ENV, ONWARD_SHUTDOWN_GRACE_MS: '0', ONWARD_LOG_LEVEL: 'debug' };

describeCluster('cluster: cancel accepted while the worker dies (Redis + PostgreSQL)', () => {
  let cluster: Cluster;
  let alice: Api;
  let socket: RunsSocket;

  /** Workers being started to replace killed ones. */
  let refilling: Promise<unknown> = Promise.resolve();

  /** Starts workers (without waiting for them) until two are alive again. */
  function refill(): void {
    const missing = 2 - cluster.workers.length;
    const starting = Array.from({ length: missing }, () => cluster.startFaultWorker(WORKER_ENV));
    refilling = Promise.all([refilling, ...starting]);
    refilling.catch(() => undefined); // awaited by the next test, or before the teardown
  }

  /** Two live workers, whichever takes the next run. */
  async function twoWorkers(): Promise<void> {
    refill();
    await refilling;
  }

  /** SIGKILLs a worker; its replacement starts meanwhile (any live worker may recover its runs). */
  async function kill(worker: OnwardProcess): Promise<void> {
    await worker.kill();
    refill();
  }

  /** SIGTERM, and SIGKILL if the worker has not exited within 30 s; its replacement starts meanwhile. */
  async function stop(worker: OnwardProcess): Promise<void> {
    await worker.stop(30_000);
    refill();
  }

  /** Where the cluster stores its runs. */
  const stored = (): { schema: string; dataDir: string } => ({ schema: cluster.name, dataDir: cluster.dataDir });

  /** The worker executing `runId`: the one that logged its start. */
  async function executorOf(runId: string): Promise<OnwardProcess> {
    const [executor] = await pollUntil(
      async () => cluster.workers.filter((w) => w.log.includes(`Run ${runId} (`)),
      (found) => found.length === 1,
      10_000,
      `the worker executing ${runId}`,
    );
    return executor as OnwardProcess;
  }

  /** Starts a stubborn run on one of two workers and waits until its handler holds it. */
  async function held(holdMs = 60_000, retried = false): Promise<{ run: RunView; executor: OnwardProcess }> {
    await twoWorkers();
    const started = await alice.startRun(stubborn(holdMs, { retried }));
    const run = await untilHolding(alice, started.id);
    return { run, executor: await executorOf(run.id) };
  }

  /** Cancels a held run and waits until the abort has reached its handler, which ignores it. */
  async function cancelReachedHandler(id: string): Promise<RunView> {
    await cancelAccepted(alice, id);
    return untilStoppingLate(alice, id, 'cancelling');
  }

  /**
   * The soak's interleaving, made deterministic: the run's row is held locked while the user's cancel,
   * then the write of the worker recovering the run (decided on reading it still `running`), queue up
   * for it. Released, the cancel lands first (202, `cancelling`) and the recovery's write right after.
   */
  async function cancelLandsDuringRecovery(run: RunView, crash: () => Promise<void>): Promise<RunView> {
    const lock = await RowLock.take(cluster.name, 'runs', run.id);
    const cancel = cancelAccepted(alice, run.id);
    cancel.catch(() => undefined); // awaited below, once the row is free
    try {
      await lock.untilWaiters(1);
      await crash();
      await lock.untilWaiters(2, 30_000);
    } finally {
      await lock.release();
      // The replacement worker starts only now: a process starting while the row is held queues its
      // start-up statements behind the lock, and the surviving worker's write behind those, where the
      // lock's waiter count does not see it.
      refill();
    }
    return cancel;
  }

  /** Updates of `id` after `version` that started or queued it again. */
  const restarts = (id: string, version: number): RunView[] =>
    socket.updates((r) => r.id === id && r.version > version && (r.status === 'running' || r.status === 'queued'));

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster({ env: { ONWARD_BENCH_TASKS: 'true' } });
    const api = await cluster.start('api', 'api');
    alice = await Api.as(api.url, 'alice');
    socket = await connectRuns(api.url, alice.token as string);
  }, 360_000);

  afterAll(async () => {
    socket?.close();
    await refilling.catch(() => undefined);
    await cluster?.teardown();
  }, 60_000);

  it('stalled-job path: cancel reached the worker, SIGKILL, another worker ends the run cancelled', async () => {
    const { run, executor } = await held();
    const cancelling = await cancelReachedHandler(run.id);
    await kill(executor);

    await expectCancelledOnce(await alice.waitFinished(run.id, 60_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('stalled-job path: SIGKILL, then a cancel accepted before recovery, ends cancelled', async () => {
    const { run, executor } = await held();
    await kill(executor);
    const cancelling = await cancelAccepted(alice, run.id);

    await expectCancelledOnce(await alice.waitFinished(run.id, 60_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('reconciler: cancel reached the worker, SIGKILL and the job lost with Redis data, ends cancelled', async () => {
    const { run, executor } = await held();
    const cancelling = await cancelReachedHandler(run.id);
    await kill(executor);
    // Redis loses its data: the job, its lock and the user's slot lease are gone.
    await deleteRedisKeys(cluster.redisUrl, cluster.name);

    await expectCancelledOnce(await alice.waitFinished(run.id, 60_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('stalled-job path: a cancel landing after the recovering worker read the run running ends cancelled', async () => {
    const { run, executor } = await held();
    const cancelling = await cancelLandsDuringRecovery(run, () => executor.kill());

    await expectCancelledOnce(await alice.waitFinished(run.id, 60_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('reconciler: a cancel landing after the adopting worker read the run running ends cancelled', async () => {
    const { run, executor } = await held();
    const cancelling = await cancelLandsDuringRecovery(run, async () => {
      await executor.kill();
      await deleteRedisKeys(cluster.redisUrl, cluster.name);
    });

    await expectCancelledOnce(await alice.waitFinished(run.id, 60_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('a retryOnCrash run cancelling when its worker is SIGKILLed ends cancelled and is never retried', async () => {
    const { run, executor } = await held(60_000, true);
    const cancelling = await cancelReachedHandler(run.id);
    await kill(executor);

    await expectCancelledOnce(await alice.waitFinished(run.id, 60_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('a retryOnCrash run: a cancel landing after the recovering worker read it running ends cancelled, never retried', async () => {
    const { run, executor } = await held(60_000, true);
    const cancelling = await cancelLandsDuringRecovery(run, () => executor.kill());

    await expectCancelledOnce(await alice.waitFinished(run.id, 60_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('SIGTERM hand-back: a run cancelling whose handler stops within the hand-back ends cancelled, not queued', async () => {
    const { run, executor } = await held(3_000);
    const cancelling = await cancelReachedHandler(run.id);
    await stop(executor);

    await expectCancelledOnce(await alice.waitFinished(run.id, 30_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('SIGTERM hand-back: a cancel accepted during the hand-back ends cancelled, not queued', async () => {
    const { run, executor } = await held(3_000);
    const stopping = stop(executor);
    // The shutdown's signal reached the handler (the hand-back is under way); the user cancels then.
    await untilStoppingLate(alice, run.id, 'running');
    const cancelling = await cancelAccepted(alice, run.id);
    await stopping;

    await expectCancelledOnce(await alice.waitFinished(run.id, 30_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('SIGTERM hand-back: a cancel accepted during the hand-back, then SIGKILL, ends cancelled', async () => {
    const { run, executor } = await held();
    const stopping = stop(executor);
    await untilStoppingLate(alice, run.id, 'running');
    const cancelling = await cancelAccepted(alice, run.id);
    await kill(executor);
    await stopping;

    await expectCancelledOnce(await alice.waitFinished(run.id, 60_000), stored());
    expect(restarts(run.id, cancelling.version)).toEqual([]);
  }, 90_000);

  it('a scheduler cancelling when the worker executing its subtask is SIGKILLed: everything ends cancelled', async () => {
    await twoWorkers();
    const scheduler = await alice.startRun(stubbornRows(3));
    const children = (await alice.getRun(scheduler.id)).children ?? [];
    expect(children).toHaveLength(3);
    const [current, ...rest] = children.map((c) => c.id) as [string, string, string];
    const first = await untilHolding(alice, current);
    const executor = await executorOf(scheduler.id);
    await cancelAccepted(alice, scheduler.id);
    const stopping = await untilStoppingLate(alice, current, 'running');
    await kill(executor);

    await expectSchedulerCancelled(alice, scheduler.id, [current, ...rest], first, 60_000, () => [
      ...restarts(current, stopping.version),
      ...socket.updates((r) => rest.includes(r.id) && r.status === 'running'),
    ]);
  }, 90_000);
});
