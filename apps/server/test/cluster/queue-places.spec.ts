import { Api } from '../support/api';
import {
  expectPlacesTold,
  type QueueState,
  type QueueUser,
  queuedAt,
  repeatedPlaces,
  runningOf,
  startQueue,
} from '../support/queue-places';
import { connectRuns } from '../support/sockets';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

// Two API processes (A and C) and one worker on one PostgreSQL schema and one Redis prefix: the places
// are read and pushed by whichever process saw a change, and each user's sockets on A and on C must
// both end on the real place.
const LIMIT = 3;
const WORKERS = 4;
const RUNS = 120;

describeCluster('cluster: places in the queue on sockets of either API process', () => {
  let cluster: Cluster;
  let users: QueueUser[];
  let order: string[];

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster({ env: { ONWARD_BENCH_TASKS: 'true', ONWARD_USER_CONCURRENCY: String(LIMIT) } });
    const apiA = await cluster.start('api-A', 'api');
    const apiC = await cluster.start('api-C', 'api');
    users = [];
    for (const name of ['alice', 'bob'] as const) {
      // alice starts and cancels through A, bob through C; both listen on both.
      const api = await Api.as(name === 'alice' ? apiA.url : apiC.url, name);
      const sockets = await Promise.all(
        [apiA, apiC].map((p: OnwardProcess) => connectRuns(p.url, api.token as string)),
      );
      users.push({ name, api, sockets });
    }
    // The runs queue up before any worker exists; then one worker takes the first four.
    order = await startQueue(users, RUNS, 25);
    await cluster.start('worker-B', 'worker', { ONWARD_CONCURRENCY: String(WORKERS), ONWARD_SHUTDOWN_GRACE_MS: '0' });
  }, 360_000);

  afterAll(async () => {
    users?.forEach((u) => u.sockets.forEach((s) => s.close()));
    await cluster?.teardown();
  }, 60_000);

  it('tells every queued run its real place on both processes as the worker starts and ends runs', async () => {
    const [alice, bob] = users;
    const idOf = (user: QueueUser): string => user.api.login?.user.id as string;
    const cancel = async (user: QueueUser, id: string | undefined): Promise<void> => {
      if (id === undefined) throw new Error(`no such run of ${user.name}`);
      await user.api.post(`/api/runs/${id}/cancel`).expect(202);
    };
    let state = await expectPlacesTold(users, order, LIMIT, WORKERS, 'once the worker has started');
    const steps: [string, (s: QueueState) => Promise<void>][] = [
      ["alice's first running run ends", (s) => cancel(alice, runningOf(s, idOf(alice))[0])],
      ["bob's first running run ends", (s) => cancel(bob, runningOf(s, idOf(bob))[0])],
      ["alice's queued run at place 3 is cancelled", (s) => cancel(alice, queuedAt(s, idOf(alice), 3))],
      [
        'every running run ends at once',
        async (s) => {
          for (const user of users) for (const id of runningOf(s, idOf(user))) await cancel(user, id);
        },
      ],
    ];
    for (const [step, act] of steps) {
      await act(state);
      state = await expectPlacesTold(users, order, LIMIT, WORKERS, step);
    }

    // The same place pushed twice to one socket (once by each process that saw the change) is noise:
    // only the process whose compare-and-set stored the moved place pushes it.
    const repeats = users.flatMap((user) => user.sockets.map(repeatedPlaces));
    console.info(`same place pushed again, per socket: ${repeats.join(', ')}`);
    expect(repeats).toEqual(users.flatMap((user) => user.sockets.map(() => 0)));
  }, 180_000);
});
