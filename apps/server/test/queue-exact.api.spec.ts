import { Api } from './support/api';
import type { RunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import {
  EXACT_PLACES,
  expectPlacesTold,
  type QueueState,
  type QueueUser,
  queuedAt,
  repeatedPlaces,
  runningOf,
  startQueue,
} from './support/queue-places';
import { useServer } from './support/server';
import { connectRuns } from './support/sockets';

const LIMIT = 3;
const WORKERS = 4;
const RUNS = 300;

describeEachDatabase('place in the queue: 300 queued runs of two users, limit 3', (db) => {
  const server = useServer(db, {
    ONWARD_BENCH_TASKS: 'true',
    ONWARD_CONCURRENCY: String(WORKERS),
    ONWARD_USER_CONCURRENCY: String(LIMIT),
    ONWARD_SHUTDOWN_GRACE_MS: '0',
  });
  let users: QueueUser[];
  let alice: QueueUser;
  let bob: QueueUser;
  let order: string[];

  beforeAll(async () => {
    users = [];
    for (const name of ['alice', 'bob'] as const) {
      const api = await Api.as(server.url, name);
      users.push({ name, api, sockets: [await connectRuns(server.url, api.token as string)] });
    }
    [alice, bob] = users;
  });
  afterAll(() => users?.forEach((u) => u.sockets.forEach((s) => s.close())));

  const idOf = (user: QueueUser): string => user.api.login?.user.id as string;
  const told = (step: string): Promise<QueueState> => expectPlacesTold(users, order, LIMIT, WORKERS, step);
  const cancel = async (user: QueueUser, id: string | undefined): Promise<void> => {
    if (id === undefined) throw new Error(`no such run of ${user.name}`);
    await user.api.post(`/api/runs/${id}/cancel`).expect(202);
  };

  /** Place pushes (updates of runs queued before and after) that `user`'s socket received since `from`. */
  const placePushes = (user: QueueUser, from: number, before: QueueState, after: QueueState): RunView[] =>
    user.sockets[0].events
      .slice(from)
      .filter((e) => e.name === 'run.updated')
      .map((e) => e.payload as RunView)
      .filter((v) => v.status === 'queued' && before.places.has(v.id) && after.places.has(v.id));

  it('tells every queued run its real place, by GET and by its last push, as runs start, finish and are cancelled', async () => {
    // Every 25th run ends as soon as it starts: runs also finish on their own, not only when cancelled.
    order = await startQueue(users, RUNS, 25);
    let state = await told('after 300 starts');
    const reasons = new Set([...state.places.values()].map((p) => p?.reason));
    expect(reasons).toEqual(new Set(['user-limit', 'capacity']));
    expect([...state.places.values()].filter((p) => (p?.position ?? 0) > EXACT_PLACES).length).toBeGreaterThan(0);

    const steps: [string, (s: QueueState) => Promise<void>][] = [
      ["alice's first running run ends", (s) => cancel(alice, runningOf(s, idOf(alice))[0])],
      ["bob's first running run ends", (s) => cancel(bob, runningOf(s, idOf(bob))[0])],
      ["alice's queued run at place 3 is cancelled", (s) => cancel(alice, queuedAt(s, idOf(alice), 3))],
      [
        "bob's next queued run is cancelled",
        (s) =>
          cancel(
            bob,
            order.find((id) => s.places.has(id) && s.views.get(id)?.owner.id === idOf(bob)),
          ),
      ],
      ["alice's queued run at place 120 is cancelled", (s) => cancel(alice, queuedAt(s, idOf(alice), 120))],
      [
        'every running run ends at once',
        async (s) => {
          for (const user of users) for (const id of runningOf(s, idOf(user))) await cancel(user, id);
        },
      ],
      [
        "bob's running runs end",
        async (s) => {
          for (const id of runningOf(s, idOf(bob))) await cancel(bob, id);
        },
      ],
    ];
    for (const [step, act] of steps) {
      await act(state);
      state = await told(step);
    }
    // A moved place is stored as told by a compare-and-set before it is pushed: never pushed twice.
    for (const user of users) expect(repeatedPlaces(user.sockets[0])).toBe(0);
  }, 300_000);

  it('pushes only the places that moved, up to place 100, whatever the length of the queue behind', async () => {
    const perDequeue: number[] = [];
    let state = await told('before the dequeues');
    for (let i = 0; i < 3; i++) {
      const from = alice.sockets[0].events.length;
      const queuedBehind = [...state.places.keys()].filter((id) => state.views.get(id)?.owner.id === idOf(alice));
      await cancel(alice, runningOf(state, idOf(alice))[0]);
      const after = await told(`dequeue ${i + 1}`);
      const pushes = placePushes(alice, from, state, after);
      const pushed = new Set(pushes.map((v) => v.id));
      // Never a place beyond 100: the cost of a dequeue does not grow with the queue behind it.
      for (const id of pushed) {
        const near = [state.places.get(id), after.places.get(id)].some(
          (p) => (p?.position ?? Infinity) <= EXACT_PLACES,
        );
        expect(near).toBe(true);
      }
      // Each moved place is pushed once, or twice when a read fell between the end and the next start
      // (two places, each told once).
      expect(pushes.length).toBeLessThanOrEqual(2 * pushed.size);
      expect(repeatedPlaces(alice.sockets[0])).toBe(0);
      expect(pushed.size).toBeLessThanOrEqual(2 * EXACT_PLACES);
      expect(queuedBehind.length).toBeGreaterThan(EXACT_PLACES);
      perDequeue.push(pushes.length);
      state = after;
    }
    console.info(`place pushes per dequeue (${db}): ${perDequeue.join(', ')}`);
  }, 120_000);
});
