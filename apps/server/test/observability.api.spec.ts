import request from 'supertest';

import { Api, pollUntil, recalc, salesReport } from './support/api';
import { expectError } from './support/contract';
import type { RunView } from './support/contract';
import { type Sample, parseSamples, sampleValue } from './support/prometheus';
import { useServer } from './support/server';
import { connectRuns } from './support/sockets';

const TOKEN = 'scrape-token-0123456789';

const scrape = (url: string, authorization?: string) => {
  const call = request(url).get('/metrics');
  return authorization === undefined ? call : call.set('Authorization', authorization);
};

/** A run's duration in seconds, from the timestamps the metric is taken from. */
const durationOf = (run: RunView): number =>
  (Date.parse(run.finishedAt ?? '') - Date.parse(run.startedAt ?? '')) / 1000;

/**
 * Checks each cumulative bucket of `onward_run_duration_seconds` for `labels` against the runs' own
 * durations: `le` counts the runs that took at most that long.
 */
function expectDurationBuckets(samples: Sample[], labels: Record<string, string>, runs: RunView[]): void {
  const buckets = samples.filter(
    (sample) =>
      sample.name === 'onward_run_duration_seconds_bucket' &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  expect(buckets.map((bucket) => bucket.labels['le'])).toEqual([
    ...['0.05', '0.25', '1', '5', '15', '60', '300', '900', '3600'],
    '+Inf',
  ]);
  for (const bucket of buckets) {
    const le = bucket.labels['le'] === '+Inf' ? Infinity : Number(bucket.labels['le']);
    expect({ le: bucket.labels['le'], count: bucket.value }).toEqual({
      le: bucket.labels['le'],
      count: runs.filter((run) => durationOf(run) <= le).length,
    });
  }
}

describe('metrics (GET /metrics)', () => {
  const server = useServer('sqlite', { ONWARD_METRICS_TOKEN: TOKEN });
  let alice: Api;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
  });

  it('401 with a JSON error for a missing or wrong token', async () => {
    expectError(await scrape(server.url), 401);
    expectError(await scrape(server.url, 'Bearer not-the-token'), 401);
    expectError(await scrape(server.url, `Basic ${TOKEN}`), 401);
    // A user's access token is no metrics token.
    expectError(await scrape(server.url, `Bearer ${alice.token}`), 401);
  });

  it('counts a known mix of runs exactly: started, finished by status, durations and queue waits', async () => {
    const completed = [await alice.runToEnd(recalc(0.5)), await alice.runToEnd(recalc(0.5))];
    for (const run of completed) expect(run.status).toBe('completed');
    const failed = await alice.runToEnd(salesReport('Nobody Inc'));
    expect(failed.status).toBe('failed');
    const long = await alice.startRun(recalc(60));
    await alice.pollRun(long.id, (run) => run.status === 'running', 20_000, 'running');
    expect((await alice.post(`/api/runs/${long.id}/cancel`)).status).toBeLessThan(300);
    const cancelled = await alice.waitFinished(long.id);
    expect(cancelled.status).toBe('cancelled');
    // The queued/running gauges are cached for a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const res = await scrape(server.url, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseSamples(res.text);
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);
    const recalcTask = { task: 'recalculate-prices' };
    const salesTask = { task: 'sales-report' };
    expect(value('onward_runs_started_total', recalcTask)).toBe(3);
    expect(value('onward_runs_started_total', salesTask)).toBe(1);
    expect(value('onward_runs_finished_total', { ...recalcTask, status: 'completed' })).toBe(2);
    expect(value('onward_runs_finished_total', { ...recalcTask, status: 'cancelled' })).toBe(1);
    expect(value('onward_runs_finished_total', { ...salesTask, status: 'failed' })).toBe(1);
    expect(value('onward_runs_finished_total', { ...recalcTask, status: 'failed' })).toBeUndefined();
    expect(value('onward_run_duration_seconds_count', { ...recalcTask, status: 'completed' })).toBe(2);
    expect(value('onward_run_duration_seconds_count', { ...recalcTask, status: 'cancelled' })).toBe(1);
    expect(value('onward_run_duration_seconds_sum', { ...recalcTask, status: 'completed' })).toBeGreaterThan(0.9);
    // Half-second recalculations: none within 0.25 s, both by +Inf; each bucket as the runs' own times say.
    expect(value('onward_run_duration_seconds_bucket', { ...recalcTask, status: 'completed', le: '0.25' })).toBe(0);
    expect(value('onward_run_duration_seconds_bucket', { ...recalcTask, status: 'completed', le: '+Inf' })).toBe(2);
    expectDurationBuckets(samples, { ...recalcTask, status: 'completed' }, completed);
    expectDurationBuckets(samples, { ...recalcTask, status: 'cancelled' }, [cancelled]);
    expectDurationBuckets(samples, { ...salesTask, status: 'failed' }, [failed]);
    expect(value('onward_run_queue_wait_seconds_count', recalcTask)).toBe(3);
    expect(value('onward_run_queue_wait_seconds_count', salesTask)).toBe(1);
    expect(value('onward_runs_queued')).toBe(0);
    expect(value('onward_runs_running')).toBe(0);
    expect(value('onward_progress_events_total')).toBeGreaterThan(0);
    expect(value('onward_sockets_connected')).toBe(0);
    // Node.js process defaults, on Onward's own registry.
    expect(value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts a connected socket in onward_sockets_connected, and no longer once it has disconnected', async () => {
    const connected = async (): Promise<number | undefined> =>
      sampleValue(parseSamples((await scrape(server.url, `Bearer ${TOKEN}`)).text), 'onward_sockets_connected');
    expect(await connected()).toBe(0);
    const socket = await connectRuns(server.url, alice.token as string);
    try {
      expect(await pollUntil(connected, (n) => n !== 0, 5_000, 'the socket counted')).toBe(1);
    } finally {
      socket.close();
    }
    expect(await pollUntil(connected, (n) => n === 0, 5_000, 'the socket no longer counted')).toBe(0);
  });

  it('shows a running run in the running gauge', async () => {
    const running = await alice.startRun(recalc(60));
    await alice.pollRun(running.id, (run) => run.status === 'running', 20_000, 'running');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const samples = parseSamples((await scrape(server.url, `Bearer ${TOKEN}`)).text);
    expect(sampleValue(samples, 'onward_runs_running')).toBe(1);
    await alice.post(`/api/runs/${running.id}/cancel`);
    await alice.waitFinished(running.id);
  });
});

describe('metrics off (no ONWARD_METRICS_TOKEN)', () => {
  const server = useServer('sqlite');

  it('404 with a JSON error, with or without a token', async () => {
    expectError(await scrape(server.url), 404);
    expectError(await scrape(server.url, `Bearer ${TOKEN}`), 404);
  });
});
