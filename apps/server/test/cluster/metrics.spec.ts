import request from 'supertest';

import { Api, recalc, salesReport } from '../support/api';
import { parseSamples, sampleValue } from '../support/prometheus';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

const TOKEN = 'cluster-scrape-token-42';

const scrape = async (proc: OnwardProcess) => {
  const res = await request(proc.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  return parseSamples(res.text);
};

// Metrics across real processes: an API process and a worker on one PostgreSQL schema and one Redis
// prefix, both scraped. Run counters are the worker's (it executes), the queued/running gauges global.
describeCluster('cluster: Prometheus metrics of an API process and a worker', () => {
  let cluster: Cluster;
  let api: OnwardProcess;
  let worker: OnwardProcess;

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster({ env: { ONWARD_METRICS_TOKEN: TOKEN } });
    api = await cluster.start('api', 'api');
    worker = await cluster.start('worker', 'worker', { ONWARD_CONCURRENCY: '2' });
  }, 180_000);

  afterAll(async () => {
    await cluster?.teardown();
  }, 60_000);

  it('a worker answers /metrics and /health only, with the token', async () => {
    expect((await request(worker.url).get('/health')).status).toBe(200);
    expect((await request(worker.url).get('/metrics')).status).toBe(401);
    const api404 = await request(worker.url).get('/api/tasks');
    expect(api404.status).toBe(404);
    expect(api404.body).toMatchObject({ statusCode: 404 });
    // Nor does it take sockets: the handshake of the polling transport is refused.
    const handshake = await request(worker.url).get('/socket.io/?EIO=4&transport=polling');
    expect(handshake.status).toBeGreaterThanOrEqual(400);
  });

  it('counts runs on the worker that executed them; the gauges agree on both', async () => {
    const alice = await Api.as(api.url, 'alice');
    for (const run of [await alice.runToEnd(recalc(0.5)), await alice.runToEnd(recalc(0.5))]) {
      expect(run.status).toBe('completed');
    }
    expect((await alice.runToEnd(salesReport('Nobody Inc'))).status).toBe('failed');
    const running = await alice.startRun(recalc(60));
    await alice.pollRun(running.id, (run) => run.status === 'running');
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const [onApi, onWorker] = [await scrape(api), await scrape(worker)];
    const task = { task: 'recalculate-prices' };
    expect(sampleValue(onWorker, 'onward_runs_started_total', task)).toBe(3);
    expect(sampleValue(onWorker, 'onward_runs_finished_total', { ...task, status: 'completed' })).toBe(2);
    expect(sampleValue(onWorker, 'onward_runs_finished_total', { task: 'sales-report', status: 'failed' })).toBe(1);
    expect(sampleValue(onWorker, 'onward_run_duration_seconds_count', { ...task, status: 'completed' })).toBe(2);
    expect(sampleValue(onApi, 'onward_runs_started_total', task)).toBeUndefined();
    for (const samples of [onApi, onWorker]) expect(sampleValue(samples, 'onward_runs_running')).toBe(1);
    await alice.post(`/api/runs/${running.id}/cancel`);
    await alice.waitFinished(running.id);
  });
});
