import { Api, recalc, salesReport } from './support/api';
import { type RunNotification, type RunStatus, type RunView, runViewProblems } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { decodeJwt, signJwt } from './support/jwt';
import { useServer } from './support/server';
import { type RunsSocket, connectOutcome, connectRuns } from './support/sockets';

const LIFECYCLE: Record<RunStatus, number> = {
  queued: 0,
  running: 1,
  cancelling: 2,
  completed: 3,
  failed: 3,
  cancelled: 3,
};

describeEachDatabase('Socket.IO /runs', (db) => {
  const server = useServer(db);
  const opened: RunsSocket[] = [];

  async function connect(api: Api): Promise<RunsSocket> {
    const socket = await connectRuns(server.url, api.token as string);
    opened.push(socket);
    return socket;
  }

  afterEach(() => {
    opened.splice(0).forEach((s) => s.close());
  });

  /**
   * A barrier for "never receives": runs a job of `api` to its end on `socket`. Socket.IO delivers a
   * socket's messages in order, so anything the server had sent this socket before arrived first.
   */
  async function flush(api: Api, socket: RunsSocket): Promise<void> {
    const run = await api.startRun(recalc(0.5));
    await socket.waitForRun(run.id, (r) => r.status === 'completed', 30_000);
  }

  it('refuses a missing, bad or forged token with connect_error "unauthorized"', async () => {
    const alice = await Api.as(server.url, 'alice');
    const { header, payload } = decodeJwt(alice.token as string);
    const forged = signJwt(header, payload, 'some-other-key-that-is-long-enough');
    for (const token of [undefined, '', 'garbage', forged]) {
      const outcome = await connectOutcome(server.url, token);
      expect({ token, ...outcome }).toEqual({ token, connected: false, message: 'unauthorized' });
    }
  });

  it('sends run.updated with growing versions, progress and chunk messages', async () => {
    const alice = await Api.as(server.url, 'alice');
    const socket = await connect(alice);
    const run = await alice.startRun(recalc(2));
    const last = await socket.waitForRun(run.id, (r) => r.status === 'completed', 30_000);
    const views = socket.updates((r) => r.id === run.id);
    for (const view of views) expect(runViewProblems(view)).toEqual([]);
    const versions = views.map((v) => v.version);
    expect(new Set(versions).size).toBeGreaterThanOrEqual(3);
    expect(last.version).toBe(Math.max(...versions));
    expect(last.version).toBe((await alice.getRun(run.id)).version);
    // In version order the status only moves forward.
    const ordered = [...views].sort((a, b) => a.version - b.version);
    const steps = ordered.map((v) => LIFECYCLE[v.status]);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(ordered.some((v) => v.status === 'running' && /Chunk \d+ of \d+/.test(v.progress.message ?? ''))).toBe(true);
    expect(ordered.some((v) => v.progress.percent !== null && v.progress.percent > 0 && v.progress.percent < 100)).toBe(
      true,
    );
    expect(last.result).toEqual({
      type: 'value',
      value: { updated: expect.any(Number) },
      summary: expect.stringMatching(/^\d+ prices? updated$/),
    });
  });

  it('sends run.notification started and finished', async () => {
    const alice = await Api.as(server.url, 'alice');
    const socket = await connect(alice);
    const run = await alice.startRun(salesReport('Initech', 2024));
    const finished = await socket.waitFor<RunNotification>(
      'run.notification',
      (n) => n.id === run.id && n.event === 'finished',
      30_000,
    );
    const started = await socket.waitFor<RunNotification>(
      'run.notification',
      (n) => n.id === run.id && n.event === 'started',
    );
    expect(started).toEqual({
      id: run.id,
      event: 'started',
      status: 'running',
      title: expect.any(String),
      display: { customer: 'Initech', year: 2024 },
    });
    expect(finished).toEqual({
      id: run.id,
      event: 'finished',
      status: 'completed',
      title: run.title,
      display: { customer: 'Initech', year: 2024 },
    });
    expect(socket.notifications(run.id).map((n) => n.event)).toEqual(['started', 'finished']);

    const failed = await alice.startRun(salesReport('Nobody', 2024));
    const failure = await socket.waitFor<RunNotification>(
      'run.notification',
      (n) => n.id === failed.id && n.event === 'finished',
      30_000,
    );
    expect(failure.status).toBe('failed');
  });

  it('never sends bob alice’s runs', async () => {
    const [alice, bob] = await Promise.all([Api.as(server.url, 'alice'), Api.as(server.url, 'bob')]);
    const [aliceSocket, bobSocket] = await Promise.all([connect(alice), connect(bob)]);
    const run = await alice.startRun(recalc(0.5));
    await aliceSocket.waitForRun(run.id, (r) => r.status === 'completed');
    const deleted = await alice.runToEnd(recalc(0.5));
    expect((await alice.delete(`/api/runs/${deleted.id}`)).status).toBe(204);
    await aliceSocket.waitFor<{ id: string }>('run.deleted', (p) => p.id === deleted.id);
    await flush(bob, bobSocket);
    expect(bobSocket.updates().length).toBeGreaterThan(0);
    for (const e of bobSocket.events) {
      const owner = (e.payload as Partial<RunView>).owner;
      if (owner) expect(owner.username).toBe('bob');
    }
    expect(bobSocket.runIdsSeen().has(run.id)).toBe(false);
    expect(bobSocket.runIdsSeen().has(deleted.id)).toBe(false);
  });

  it('answers subscribe.all from a non-admin with an error event and nothing more', async () => {
    const [alice, bob] = await Promise.all([Api.as(server.url, 'alice'), Api.as(server.url, 'bob')]);
    const bobSocket = await connect(bob);
    bobSocket.emit('subscribe.all');
    const error = await bobSocket.waitFor<unknown>('error');
    expect(error).toBeDefined();
    const run = await alice.runToEnd(recalc(0.5));
    await flush(bob, bobSocket);
    expect(bobSocket.runIdsSeen().has(run.id)).toBe(false);
  });

  it('sends an admin who subscribed every user’s runs, subtasks included', async () => {
    const [alice, bob, admin] = await Promise.all([
      Api.as(server.url, 'alice'),
      Api.as(server.url, 'bob'),
      Api.as(server.url, 'admin'),
    ]);
    const adminSocket = await connect(admin);
    adminSocket.emit('subscribe.all');
    // Runs long enough that their later updates surely follow the subscription.
    const aliceRun = await alice.startRun(recalc(1));
    const bobRun = await bob.startRun({ task: 'recalculate-prices', rows: [{ category: 'Software', seconds: 1 }] });
    const a = await adminSocket.waitForRun(aliceRun.id, (r) => r.status === 'completed', 30_000);
    const b = await adminSocket.waitForRun(bobRun.id, (r) => r.status === 'completed', 30_000);
    expect(a.owner.username).toBe('alice');
    expect(b.owner.username).toBe('bob');
    const child = (await bob.getRun(bobRun.id)).children?.[0];
    expect(child).toBeDefined();
    await adminSocket.waitForRun(child?.id as string, (r) => r.status === 'completed');
    expect(adminSocket.errorsReceived()).toEqual([]);
  });

  it('sends run.deleted { id } when a run is deleted', async () => {
    const alice = await Api.as(server.url, 'alice');
    const socket = await connect(alice);
    const run = await alice.runToEnd(recalc(0.5));
    expect((await alice.delete(`/api/runs/${run.id}`)).status).toBe(204);
    expect(await socket.waitFor<{ id: string }>('run.deleted', (p) => p.id === run.id)).toEqual({ id: run.id });
  });

  it('sends updates of runs moved to the background and cancelled', async () => {
    const alice = await Api.as(server.url, 'alice');
    const socket = await connect(alice);
    const run = await alice.startRun(recalc(10));
    expect((await alice.patch(`/api/runs/${run.id}`, { mode: 'background' })).status).toBe(200);
    await socket.waitForRun(run.id, (r) => r.mode === 'background');
    expect((await alice.post(`/api/runs/${run.id}/cancel`)).status).toBe(202);
    await socket.waitForRun(run.id, (r) => r.status === 'cancelled', 20_000);
  });
});
