import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Api, pollUntil } from '../support/api';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: { stringValue?: string } }[];
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}
/** A span as received, with the process that sent it (its resource's process.pid). */
type Received = OtlpSpan & { pid: string | undefined };

const attribute = (span: OtlpSpan, key: string): string | undefined =>
  span.attributes?.find((a) => a.key === key)?.value.stringValue;

/** A tiny OTLP/HTTP receiver: collects the spans of every JSON export posted to /v1/traces. */
async function startReceiver(): Promise<{ server: Server; url: string; spans: Received[] }> {
  const spans: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
        for (const resource of body.resourceSpans ?? []) {
          const pid = resource.resource?.attributes?.find((a) => a.key === 'process.pid')?.value;
          for (const scope of resource.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) spans.push({ ...span, pid: pidOf(pid) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

const pidOf = (value: { intValue?: string | number; stringValue?: string } | undefined): string | undefined =>
  value?.intValue !== undefined ? String(value.intValue) : value?.stringValue;

// An API process and a worker process on one PostgreSQL schema and one Redis prefix, each exporting
// over OTLP/HTTP to a receiver of the test: the start request and the final write share a trace.
describeCluster('cluster: traces across processes', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let cluster: Cluster;
  let api: OnwardProcess;
  let worker: OnwardProcess;

  beforeAll(async () => {
    await prepareCluster();
    receiver = await startReceiver();
    cluster = new Cluster({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_NODE_RESOURCE_DETECTORS: 'process,env',
      },
    });
    api = await cluster.start('api', 'api');
    worker = await cluster.start('worker', 'worker');
  }, 360_000);

  afterAll(async () => {
    await cluster?.teardown();
    receiver?.server.close();
  }, 60_000);

  it("puts the API's start span and the worker's final write in one trace", async () => {
    const alice = await Api.as(api.url, 'alice');
    const run = await alice.runToEnd({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } }, 60_000);
    expect(run.status).toBe('completed');
    const ofRun = (): Received[] => receiver.spans.filter((span) => attribute(span, 'onward.run_id') === run.id);
    const spans = await pollUntil(
      async () => ofRun(),
      (all) => all.some((s) => s.name === 'run.start') && all.some((s) => s.name === 'run.record_end'),
      15_000,
      'the start and final-write spans exported',
    );
    const start = spans.find((s) => s.name === 'run.start') as Received;
    const end = spans.find((s) => s.name === 'run.record_end') as Received;
    expect(end.traceId).toBe(start.traceId);
    expect(start.pid).toBe(String(api.pid));
    expect(end.pid).toBe(String(worker.pid));
    const execute = spans.find((s) => s.name === 'run.execute') as Received;
    expect(end.parentSpanId).toBe(execute.spanId);
    expect(attribute(execute, 'onward.task')).toBe('sales-report');
  }, 120_000);

  it('sends the spans still batched when a process stops (SIGTERM)', async () => {
    // Batches every 10 minutes: only the flush at shutdown can deliver this process's spans.
    const slow = await cluster.start('api-slow', 'api', { OTEL_BSP_SCHEDULE_DELAY: '600000' });
    const alice = await Api.as(slow.url, 'alice');
    const run = await alice.runToEnd({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } }, 60_000);
    const started = (): Received[] =>
      receiver.spans.filter((span) => span.name === 'run.start' && attribute(span, 'onward.run_id') === run.id);
    expect(started()).toHaveLength(0);
    await slow.stop();
    await pollUntil(
      async () => started(),
      (spans) => spans.length === 1,
      10_000,
      'the run.start span flushed',
    );
  }, 120_000);
});
