import { Api, recalc } from './support/api';
import type { RunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { connectRuns, maxActiveAtOnce, maxOverlap } from './support/sockets';

// Execution rules: at most ONWARD_CONCURRENCY runs per process, ONWARD_USER_CONCURRENCY per user.
// Observed through what a user sees (statuses over the socket, and the runs' own timestamps); no
// timing is asserted.
describeEachDatabase('execution rules', (db) => {
  const server = useServer(db, { ONWARD_CONCURRENCY: '4', ONWARD_USER_CONCURRENCY: '3' });

  it('runs at most 3 of one user’s runs at once, and the rest after them', async () => {
    const bob = await Api.as(server.url, 'bob');
    const socket = await connectRuns(server.url, bob.token as string);
    try {
      const runs: RunView[] = [];
      for (let i = 0; i < 5; i++) runs.push(await bob.startRun(recalc(3)));
      const ids = new Set(runs.map((r) => r.id));
      const finished = await Promise.all(runs.map((r) => bob.waitFinished(r.id)));
      expect(finished.map((r) => r.status)).toEqual(Array(5).fill('completed'));

      expect(maxActiveAtOnce(socket.updates((r) => ids.has(r.id)))).toBeLessThanOrEqual(3);
      // In parallel up to the limit: three 3-second runs started together overlap.
      expect(maxOverlap(finished)).toBe(3);
      // Every run was seen running by its owner.
      for (const run of runs) await socket.waitForRun(run.id, (r) => r.status === 'running');
    } finally {
      socket.close();
    }
  }, 60_000);

  it('runs at most 4 runs at once over all users', async () => {
    const [alice, bob] = await Promise.all([Api.as(server.url, 'alice'), Api.as(server.url, 'bob')]);
    const sockets = await Promise.all([
      connectRuns(server.url, alice.token as string),
      connectRuns(server.url, bob.token as string),
    ]);
    try {
      const runs: { api: Api; run: RunView }[] = [];
      for (let i = 0; i < 3; i++) {
        runs.push({ api: alice, run: await alice.startRun(recalc(3)) });
        runs.push({ api: bob, run: await bob.startRun(recalc(3)) });
      }
      const finished = await Promise.all(runs.map(({ api, run }) => api.waitFinished(run.id)));
      expect(finished.map((r) => r.status)).toEqual(Array(6).fill('completed'));
      expect(maxOverlap(finished)).toBe(4);
      for (const [i, user] of (['alice', 'bob'] as const).entries()) {
        const own = new Set(finished.filter((r) => r.owner.username === user).map((r) => r.id));
        expect(own.size).toBe(3);
        expect(
          maxActiveAtOnce((sockets[i] as (typeof sockets)[number]).updates((r) => own.has(r.id))),
        ).toBeLessThanOrEqual(3);
        expect(maxOverlap(finished.filter((r) => own.has(r.id)))).toBeLessThanOrEqual(3);
      }
    } finally {
      sockets.forEach((s) => s.close());
    }
  }, 60_000);
});
