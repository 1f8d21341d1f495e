import { Api } from '../support/api';
import { storedSubtasks } from '../support/stored-rows';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

// 2,000 rows on PostgreSQL + BullMQ, and the worker executing the chain SIGKILLed halfway: the chain
// resumes on another worker where it stopped; no subtask runs twice, none is skipped.
describeCluster('cluster: a scheduler of 2,000 rows whose worker is killed mid-chain', () => {
  const ROWS = 2_000;
  let cluster: Cluster;
  let api: OnwardProcess;
  let alice: Api;

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster({ env: { ONWARD_BENCH_TASKS: 'true' } });
    api = await cluster.start('api', 'api');
    alice = await Api.as(api.url, 'alice');
  }, 360_000);

  afterAll(async () => {
    await cluster?.teardown();
  }, 60_000);

  it('resumes where it stopped, every row run once and in order', async () => {
    const first = await cluster.startFaultWorker();
    const run = await alice.startRun({
      task: 'bench-noop',
      rows: Array.from({ length: ROWS }, () => ({ ms: 2 })),
      mode: 'background',
    });
    // Halfway through the chain, a second worker joins and the first one dies.
    for (let done = 0; done < ROWS / 4;) {
      const view = await alice.getRun(run.id);
      done = view.scheduler?.completed ?? 0;
      // Queued until the worker claims it, then running: never finished before the kill.
      expect(['queued', 'running']).toContain(view.status);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the polling interval
    }
    await cluster.startFaultWorker();
    await first.kill();
    const finished = await alice.waitFinished(run.id, 240_000);

    const subtasks = await storedSubtasks({ schema: cluster.name, dataDir: cluster.dataDir }, run.id);
    expect(subtasks).toHaveLength(ROWS);
    // Only the subtask under way when its worker died may have failed, as interrupted; none ran twice.
    const failed = subtasks.filter((s) => s.status === 'failed');
    expect(failed.length).toBeLessThanOrEqual(1);
    for (const s of failed) expect(s.errorMessage).toContain('Interrupted');
    expect(subtasks.filter((s) => s.status !== 'completed' && s.status !== 'failed')).toEqual([]);
    expect(subtasks.filter((s) => s.attempts !== 1)).toEqual([]);
    const started = subtasks.map((s) => Date.parse(s.startedAt ?? ''));
    expect(started.every((at, i) => i === 0 || at >= (started[i - 1] as number))).toBe(true);
    expect(finished.scheduler).toMatchObject({ total: ROWS, completed: ROWS - failed.length, failed: failed.length });
    expect(finished.status).toBe(failed.length ? 'failed' : 'completed');
    console.log(
      `[scheduler] ${ROWS} rows, worker killed after ${ROWS / 4}+ subtasks: ${ROWS - failed.length} completed, ` +
        `${failed.length} interrupted, every subtask run once`,
    );
  }, 300_000);
});
