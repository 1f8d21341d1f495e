import { Api } from './support/api';
import { type RunView, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { type RunsSocket, connectRuns } from './support/sockets';

describeEachDatabase('stall warning (ONWARD_STALL_WARNING_S=2)', (db) => {
  const server = useServer(db, { ONWARD_BENCH_TASKS: 'true', ONWARD_STALL_WARNING_S: '2' });
  let alice: Api;
  let socket: RunsSocket;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    socket = await connectRuns(server.url, alice.token as string);
  });
  afterAll(() => socket?.close());

  const viewsOf = (id: string): RunView[] =>
    socket.events
      .filter((e) => e.name === 'run.updated' && (e.payload as RunView).id === id)
      .map((e) => e.payload as RunView);

  it('turns stalled on after the time without progress, and off at the next progress; pushed both ways', async () => {
    const run = await alice.startRun({ task: 'bench-pause', parameters: { steps: 2, ms: 3_000 } });
    expect(expectRunView(run).stalled).toBe(false);
    const stalled = await socket.waitFor<RunView>('run.updated', (v) => v.id === run.id && v.stalled === true, 10_000);
    expect(stalled).toMatchObject({ status: 'running', progress: { message: 'Step 1 of 2' } });
    expect((await alice.getRun(run.id)).stalled).toBe(true);
    const again = await socket.waitFor<RunView>(
      'run.updated',
      (v) => v.id === run.id && v.version > stalled.version && v.progress.message === 'Step 2 of 2',
      10_000,
    );
    expect(again.stalled).toBe(false);
    const end = await alice.waitFinished(run.id, 20_000);
    expect(end).toMatchObject({ status: 'completed', stalled: false });
  }, 30_000);

  it('never shows a task that reports no progress as stalled', async () => {
    const run = await alice.runToEnd({ task: 'bench-silent', parameters: { steps: 1, ms: 3_500 } }, 20_000);
    expect(run.status).toBe('completed');
    expect(viewsOf(run.id).some((v) => v.stalled)).toBe(false);
  }, 30_000);

  it('shows a finished run as not stalled, even when it ended while stalled', async () => {
    const run = await alice.startRun({ task: 'bench-pause', parameters: { steps: 1, ms: 60_000 } });
    await socket.waitFor<RunView>('run.updated', (v) => v.id === run.id && v.stalled === true, 10_000);
    await alice.post(`/api/runs/${run.id}/cancel`).expect(202);
    const end = await alice.waitFinished(run.id, 20_000);
    expect(end).toMatchObject({ status: 'cancelled', stalled: false });
  }, 30_000);
});
