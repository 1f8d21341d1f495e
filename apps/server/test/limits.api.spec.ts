import { request as httpRequest } from 'node:http';

import { Api, pollUntil, recalc, salesReport } from './support/api';
import { type RunView, expectError } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { bootServer, type TestServer, useServer } from './support/server';
import { type RunsSocket, connectOutcome, connectRuns } from './support/sockets';
import { allStoredRows } from './support/stored-rows';

const LIMITS = {
  ONWARD_MAX_QUEUED_PER_USER: '3',
  ONWARD_MAX_SOCKETS_PER_USER: '2',
  ONWARD_MAX_WAITS_PER_USER: '2',
  // One run of a user at a time: everything else they start waits `queued`.
  ONWARD_USER_CONCURRENCY: '1',
};

async function storedRunIds(server: TestServer): Promise<string[]> {
  return (await allStoredRows(server)).filter((row) => row.__table === 'runs').map((row) => String(row['id']));
}

/** Opens `/wait` on a raw connection that the test can drop, as a client that goes away would. */
function openWait(server: TestServer, api: Api, runId: string, seconds: number): { drop(): void } {
  const url = new URL(`/api/runs/${runId}/wait?timeout=${seconds}`, server.url);
  const req = httpRequest(url, { headers: { Authorization: `Bearer ${api.token}` } });
  req.on('error', () => undefined);
  req.end();
  return { drop: () => req.destroy() };
}

describeEachDatabase('per-user limits', (db) => {
  const server = useServer(db, LIMITS);
  let alice: Api;
  let bob: Api;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    bob = await Api.as(server.url, 'bob');
  });

  // Each test leaves nothing queued or running behind: the next one counts on an empty queue.
  afterEach(async () => {
    for (const user of [alice, bob]) {
      const active = await user.list('?status=queued,running,cancelling&limit=200');
      for (const run of active.items) if (run.status !== 'cancelling') await user.post(`/api/runs/${run.id}/cancel`);
      for (const run of active.items) await user.waitFinished(run.id, 20_000);
    }
  }, 60_000);

  /** Starts a long run of `user` and waits until it holds their only run slot. */
  async function holdSlot(user: Api): Promise<RunView> {
    const run = await user.startRun(recalc(60));
    return user.pollRun(run.id, (r) => r.status === 'running', 20_000, 'running');
  }

  describe('queued runs (ONWARD_MAX_QUEUED_PER_USER)', () => {
    it('answers 429 with Retry-After beyond the limit, stores nothing, and spares other users', async () => {
      const holder = await holdSlot(alice);
      const queued = [await alice.startRun(recalc(1)), await alice.startRun(recalc(1))];
      // A selection is one queued scheduler run, however many rows it has.
      const selection = await alice.startRun({
        task: 'sales-report',
        rows: [
          { customer: 'Acme', year: 2024 },
          { customer: 'Globex', year: 2024 },
        ],
      });
      for (const run of [...queued, selection]) expect((await alice.getRun(run.id)).status).toBe('queued');

      const before = await storedRunIds(server);
      for (const body of [recalc(1), { task: 'sales-report', rows: [{ customer: 'Acme', year: 2025 }] }]) {
        const res = await alice.post('/api/runs', body);
        const error = expectError(res, 429);
        expect(error.message).toMatch(/3 queued runs/);
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(res.headers['location']).toBeUndefined();
      }
      expect((await storedRunIds(server)).sort()).toEqual(before.sort());
      expect((await alice.list('?limit=200')).items.map((r) => r.id).sort()).toEqual(
        [holder.id, ...queued.map((r) => r.id), selection.id].sort(),
      );

      // Bob has queued nothing: his starts go through.
      await bob.startRun(recalc(0.5));
    }, 60_000);

    it('frees room as queued runs start or are cancelled', async () => {
      const holder = await holdSlot(alice);
      const queued = [
        await alice.startRun(recalc(0.5)),
        await alice.startRun(recalc(0.5)),
        await alice.startRun(recalc(0.5)),
      ];
      expect((await alice.post('/api/runs', recalc(0.5))).status).toBe(429);

      // A cancelled queued run is queued no more.
      await alice.post(`/api/runs/${queued[2].id}/cancel`);
      const again = await alice.startRun(recalc(0.5));
      expect((await alice.post('/api/runs', recalc(0.5))).status).toBe(429);

      // Once the holder ends, the queued runs start one after another and make room.
      await alice.post(`/api/runs/${holder.id}/cancel`);
      await alice.pollRun(queued[0].id, (r) => r.status !== 'queued', 20_000, 'no longer queued');
      const later = await alice.startRun(recalc(0.5));
      for (const run of [queued[0], queued[1], again, later]) {
        expect((await alice.waitFinished(run.id, 30_000)).status).toBe('completed');
      }
    }, 90_000);
  });

  describe('sockets (ONWARD_MAX_SOCKETS_PER_USER)', () => {
    const sockets: RunsSocket[] = [];
    afterEach(() => {
      for (const socket of sockets.splice(0)) socket.close();
    });

    it('refuses the handshake beyond the limit with connect_error; the others keep their updates', async () => {
      sockets.push(await connectRuns(server.url, alice.token as string));
      sockets.push(await connectRuns(server.url, alice.token as string));
      expect(await connectOutcome(server.url, alice.token as string)).toEqual({
        connected: false,
        message: 'too many connections',
      });
      // Bob has his own allowance.
      sockets.push(await connectRuns(server.url, bob.token as string));

      const run = await alice.startRun(salesReport('Acme'));
      for (const socket of sockets.slice(0, 2))
        await socket.waitForRun(run.id, (r) => r.status === 'completed', 30_000);

      // A socket that leaves makes room for another.
      sockets.shift()?.close();
      const next = await pollUntil(
        () => connectOutcome(server.url, alice.token as string),
        (outcome) => outcome.connected,
        10_000,
        'a third socket of alice to be accepted once one closed',
      );
      expect(next.connected).toBe(true);
    }, 60_000);

    if (db === 'postgres+redis') {
      it('counts the sockets of a user on every API process', async () => {
        const other = await bootServer(db, LIMITS, { shareWith: server });
        try {
          sockets.push(await connectRuns(server.url, alice.token as string));
          sockets.push(await connectRuns(other.url, alice.token as string));
          expect(await connectOutcome(other.url, alice.token as string)).toEqual({
            connected: false,
            message: 'too many connections',
          });
          expect(await connectOutcome(server.url, alice.token as string)).toMatchObject({ connected: false });
        } finally {
          for (const socket of sockets.splice(0)) socket.close();
          await other.close();
        }
      }, 60_000);
    }
  });

  describe('waits (ONWARD_MAX_WAITS_PER_USER)', () => {
    it('answers 429 with Retry-After beyond the limit, and frees a wait once it has timed out', async () => {
      const holder = await holdSlot(alice);
      const waits = [
        alice.get(`/api/runs/${holder.id}/wait?timeout=3`),
        alice.get(`/api/runs/${holder.id}/wait?timeout=3`),
      ];
      const pending = Promise.all(waits.map((w) => w.then((res) => res)));
      // The two waits are open once a third is refused (a probe with timeout 0 answers at once otherwise).
      const refused = await pollUntil(
        () => alice.get(`/api/runs/${holder.id}/wait?timeout=0`),
        (res) => res.status === 429,
        10_000,
        'a third wait of alice to be refused',
      );
      expect(expectError(refused, 429).message).toMatch(/2 waits/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Bob's waits are his own.
      expect((await bob.get(`/api/runs/${holder.id}/wait?timeout=0`)).status).toBe(404);

      const answered = await pending;
      for (const res of answered) expect(res.status).toBe(200);
      const after = await alice.get(`/api/runs/${holder.id}/wait?timeout=0`);
      expect(after.status).toBe(200);
    }, 60_000);

    it('frees a wait as soon as its client goes away', async () => {
      const holder = await holdSlot(alice);
      const open = [openWait(server, alice, holder.id, 60), openWait(server, alice, holder.id, 60)];
      await pollUntil(
        () => alice.get(`/api/runs/${holder.id}/wait?timeout=0`),
        (res) => res.status === 429,
        10_000,
        'the two long waits to be open',
      );
      for (const wait of open) wait.drop();
      // Without the release on disconnect, every probe would be refused for the next 60 s.
      const freed = await pollUntil(
        () => alice.get(`/api/runs/${holder.id}/wait?timeout=0`),
        (res) => res.status === 200,
        10_000,
        'a wait to be accepted once the clients of the open ones went away',
      );
      expect(freed.body).toMatchObject({ id: holder.id, status: 'running' });
    }, 60_000);
  });
});
