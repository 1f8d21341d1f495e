import { Api } from './support/api';
import { type RunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { type RunsSocket, connectRuns } from './support/sockets';

const LONG = { task: 'bench-pause', parameters: { steps: 1, ms: 120_000 }, mode: 'background' as const };

describeEachDatabase('place in the queue (one worker, one run per user)', (db) => {
  const server = useServer(db, {
    ONWARD_BENCH_TASKS: 'true',
    ONWARD_CONCURRENCY: '1',
    ONWARD_USER_CONCURRENCY: '1',
  });
  let alice: Api;
  let bob: Api;
  let socket: RunsSocket;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    bob = await Api.as(server.url, 'bob');
    socket = await connectRuns(server.url, alice.token as string);
  });
  afterAll(() => socket?.close());

  const updatesOf = (id: string, after: number): RunView[] =>
    socket.events
      .filter((e) => e.at >= after && e.name === 'run.updated' && (e.payload as RunView).id === id)
      .map((e) => e.payload as RunView);

  it('tells each queued run its place, counts down as runs start, and pushes only the places that moved', async () => {
    const first = await alice.startRun(LONG);
    await alice.pollRun(first.id, (r) => r.status === 'running', 20_000, 'running');
    const queued: RunView[] = [];
    for (let i = 0; i < 3; i++) {
      queued.push(await alice.startRun(LONG));
      // Starts in distinct milliseconds: the queue's order is that of createdAt (then id).
      const startedAt = Date.now();
      while (Date.now() === startedAt) await new Promise((resolve) => setImmediate(resolve));
    }
    // A start is told its place from the queue as last read; a read of the run reads it again.
    for (const run of queued) expect(run.queue?.position).toBeGreaterThanOrEqual(1);
    expect(await Promise.all(queued.map(async (r) => (await alice.getRun(r.id)).queue))).toEqual([
      { position: 1, reason: 'user-limit' },
      { position: 2, reason: 'user-limit' },
      { position: 3, reason: 'user-limit' },
    ]);
    // Bob's run waits for the worker, not for his own limit.
    const bobs = await bob.startRun(LONG);
    expect((await bob.getRun(bobs.id)).queue).toEqual({ position: 1, reason: 'capacity' });
    expect((await alice.getRun(queued[2].id)).queue).toEqual({ position: 3, reason: 'user-limit' });

    // A dequeue: the first run ends, the next starts, the two behind it move up.
    const before = Date.now();
    await alice.post(`/api/runs/${first.id}/cancel`).expect(202);
    await socket.waitFor<RunView>('run.updated', (v) => v.id === queued[0].id && v.status === 'running', 20_000);
    const moved = await socket.waitFor<RunView>(
      'run.updated',
      (v) => v.id === queued[2].id && v.queue?.position === 2,
      10_000,
    );
    expect(moved.queue).toEqual({ position: 2, reason: 'user-limit' });
    await socket.waitFor<RunView>('run.updated', (v) => v.id === queued[1].id && v.queue?.position === 1, 10_000);
    expect((await alice.list()).items.find((r) => r.id === queued[2].id)?.queue).toEqual({
      position: 2,
      reason: 'user-limit',
    });
    // Running and finished runs have no place.
    expect((await alice.getRun(queued[0].id)).queue).toBeNull();

    // The next dequeue: once its move is pushed, any push left over from the first would have come.
    await alice.post(`/api/runs/${queued[0].id}/cancel`).expect(202);
    await socket.waitForRun(queued[2].id, (v) => v.version > moved.version && v.queue?.position === 1);
    // One update per move; none for runs whose place did not change.
    const placesOf = (id: string): (number | undefined)[] =>
      updatesOf(id, before)
        .filter((v) => v.status === 'queued')
        .map((v) => v.queue?.position);
    expect(placesOf(queued[1].id)).toEqual([1]);
    expect(placesOf(queued[2].id)).toEqual([2, 1]);

    for (const run of [queued[0], queued[1], queued[2]]) await alice.post(`/api/runs/${run.id}/cancel`);
    await bob.post(`/api/runs/${bobs.id}/cancel`);
    for (const run of queued) expect((await alice.waitFinished(run.id, 30_000)).queue).toBeNull();
    await bob.waitFinished(bobs.id, 30_000);
  }, 120_000);
});
