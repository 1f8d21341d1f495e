import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Api } from './support/api';
import type { RunView } from './support/contract';
import { ServerProcess, ensureBuiltServer } from './support/process';
import { storedRun } from './support/stored-rows';
import {
  cancelAccepted,
  expectCancelledOnce,
  expectSchedulerCancelled,
  stubborn,
  stubbornRows,
  untilHolding,
  untilStoppingLate,
} from './support/stubborn';

// A cancel the server accepted (202, `cancelling`) ends `cancelled` whatever happens to the process
// executing the run, and the run never executes again. Embedded mode: one real process on SQLite,
// SIGKILLed (or stopped with SIGTERM and no grace) while the run is `cancelling`, then started again
// on the same data folder. The runs are `bench-stubborn`, whose handler ignores its signal for a while.
describe('cancel accepted while the process dies (embedded, SQLite)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const processes: ServerProcess[] = [];
  let server: ServerProcess;
  let alice: Api;
  /** Where the runs are stored (SQLite in the data folder). */
  const stored = {
    schema: null,
    get dataDir(): string {
      return dataDir;
    },
  };

  async function start(): Promise<void> {
    server = await ServerProcess.start(env);
    processes.push(server);
    // The signing key is kept in the data folder: the token from before the restart still works.
    alice = alice ? new Api(server.url, alice.token, alice.login) : await Api.as(server.url, 'alice');
  }

  /** Starts a stubborn run, waits until its handler holds it, and has its cancel accepted. */
  async function cancelledWhileHeld(holdMs = 60_000, retried = false): Promise<RunView> {
    const run = await alice.startRun(stubborn(holdMs, { retried }));
    const held = await untilHolding(alice, run.id);
    await cancelAccepted(alice, run.id);
    // The abort reached the handler, which ignores it: the run stays cancelling.
    await untilStoppingLate(alice, run.id, 'cancelling');
    return held;
  }

  beforeAll(async () => {
    ensureBuiltServer();
    dataDir = mkdtempSync(join(tmpdir(), 'onward-cancel-crash-'));
    // No shutdown grace: a SIGTERM hands running runs back at once.
    env = {
      ONWARD_DATA_DIR: dataDir,
      ONWARD_BENCH_TASKS: 'true',
      ONWARD_SHUTDOWN_GRACE_MS: '0',
      ONWARD_LOG_LEVEL: 'warn',
    };
    await start();
  }, 360_000);

  afterAll(async () => {
    if (process.env['ONWARD_CLUSTER_LOGS']) for (const p of processes) console.log(p.log);
    for (const p of processes) await p.kill();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('restart recovery: runs cancelling when the process is SIGKILLed end cancelled, a retryOnCrash one never retried', async () => {
    const plain = await cancelledWhileHeld();
    const retried = await cancelledWhileHeld(60_000, true);
    await server.kill();
    await start();

    await expectCancelledOnce(await alice.waitFinished(plain.id, 30_000), stored);
    await expectCancelledOnce(await alice.waitFinished(retried.id, 30_000), stored);
    expect((await alice.list('?status=queued,running,cancelling')).items).toEqual([]);
  }, 90_000);

  it('SIGTERM hand-back: runs cancelled before it or during it, whose handlers stop within it, end cancelled, not queued', async () => {
    const before = await alice.startRun(stubborn(3_000));
    const during = await alice.startRun(stubborn(3_000));
    await untilHolding(alice, during.id);
    await untilHolding(alice, before.id);
    await cancelAccepted(alice, before.id);
    await untilStoppingLate(alice, before.id, 'cancelling');
    // Without grace the hand-back starts at once; both handlers stop within it.
    const stopping = server.stop(30_000);
    // The shutdown's signal reached the other handler (the hand-back is under way); its user cancels then.
    await untilStoppingLate(alice, during.id, 'running');
    await cancelAccepted(alice, during.id);
    expect(await stopping).toEqual({ exitedBySelf: true });
    // Ended by the leaving process itself, before any restart could recover them.
    for (const run of [before, during]) {
      expect(await storedRun(stored, run.id)).toMatchObject({ status: 'cancelled' });
    }
    await start();

    await expectCancelledOnce(await alice.getRun(before.id), stored);
    await expectCancelledOnce(await alice.getRun(during.id), stored);
  }, 90_000);

  it('SIGTERM hand-back: a cancel accepted during the hand-back, then SIGKILL, ends cancelled', async () => {
    const run = await alice.startRun(stubborn());
    const held = await untilHolding(alice, run.id);
    const stopping = server.stop(30_000);
    await untilStoppingLate(alice, run.id, 'running');
    await cancelAccepted(alice, run.id);
    await server.kill();
    await stopping;
    await start();

    await expectCancelledOnce(await alice.waitFinished(held.id, 30_000), stored);
  }, 90_000);

  it('a scheduler cancelling when the process executing its subtask is SIGKILLed: everything ends cancelled', async () => {
    const scheduler = await alice.startRun(stubbornRows(3));
    const children = (await alice.getRun(scheduler.id)).children ?? [];
    expect(children).toHaveLength(3);
    const [current, ...rest] = children.map((c) => c.id) as [string, string, string];
    const held = await untilHolding(alice, current);
    await cancelAccepted(alice, scheduler.id);
    await untilStoppingLate(alice, current, 'running');
    await server.kill();
    await start();

    await expectSchedulerCancelled(alice, scheduler.id, [current, ...rest], held, 30_000);
  }, 90_000);
});
