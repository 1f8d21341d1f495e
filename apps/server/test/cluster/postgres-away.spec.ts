import request from 'supertest';

import { Api, pollUntil, recalc } from '../support/api';
import { errorProblems } from '../support/contract';
import { POSTGRES_URL } from '../support/databases';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';
import { TcpProxy } from './support/tcp-proxy';

// PostgreSQL "goes away" without touching the machine's PostgreSQL: the server reaches it through a
// TCP proxy that the test closes (cutting every connection) and opens again on the same port.
describeCluster('cluster: PostgreSQL away → 503, and back', () => {
  let proxy: TcpProxy;
  let cluster: Cluster;
  let server: OnwardProcess;

  beforeAll(async () => {
    await prepareCluster();
    const target = new URL(POSTGRES_URL);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    cluster = new Cluster({ databaseUrl: target.toString() });
    server = await cluster.start('server', 'all');
  }, 360_000);

  afterAll(async () => {
    try {
      await cluster?.teardown();
    } finally {
      await proxy?.close();
    }
  }, 60_000);

  /** Sends a request with a bound, so that a hanging server fails the test instead of stalling it. */
  async function timed<T>(send: () => Promise<T>): Promise<{ res: T; ms: number }> {
    const t0 = Date.now();
    const res = await send();
    return { res, ms: Date.now() - t0 };
  }

  it('answers 503 JSON while PostgreSQL is unreachable and works again once it is back', async () => {
    const alice = await Api.as(server.url, 'alice');
    expect((await alice.runToEnd(recalc(0.5), 30_000)).status).toBe('completed');

    await proxy.close();

    const figures: string[] = [];
    const checks: [string, () => request.Test][] = [
      ['GET /api/runs', () => alice.get('/api/runs')],
      ['POST /api/runs', () => alice.post('/api/runs', recalc(1))],
      ['GET /api/tasks', () => alice.get('/api/tasks')],
      [
        'POST /api/auth/login',
        () => request(server.url).post('/api/auth/login').send({ username: 'bob', password: 'bob' }),
      ],
    ];
    for (const [what, send] of checks) {
      const { res, ms } = await timed(() => send().timeout(15_000));
      figures.push(`${what} ${res.status} in ${ms} ms`);
      if (what === 'GET /api/tasks' && res.status === 200) continue; // the catalogue may not need the database
      // Named, so that a failure says which request answered what.
      expect({ what, problems: errorProblems(res, 503), body: res.body as unknown }).toEqual({
        what,
        problems: [],
        body: expect.objectContaining({ statusCode: 503 }),
      });
    }

    const { res: health, ms: healthMs } = await timed(() => request(server.url).get('/health').timeout(15_000));
    figures.push(`/health ${health.status} in ${healthMs} ms`);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ database: 'down' });

    await proxy.open();
    const reopenedAt = Date.now();
    await pollUntil(
      () => alice.get('/api/runs').timeout(15_000),
      (res) => res.status === 200,
      30_000,
      'GET /api/runs to answer 200 again',
    );
    const backMs = Date.now() - reopenedAt;
    const healthAgain = await pollUntil(
      () => request(server.url).get('/health').timeout(15_000),
      (res) => res.status === 200,
      30_000,
      '/health to answer 200 again',
    );
    expect(healthAgain.body).toMatchObject({ status: 'ok', database: 'ok' });
    expect((await alice.runToEnd(recalc(0.5), 30_000)).status).toBe('completed');
    console.log(
      `[postgres] away: ${figures.join('; ')}; back: GET /api/runs 200 ${backMs} ms after the proxy reopened`,
    );
  }, 120_000);
});
