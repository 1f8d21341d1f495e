import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';

import { traceCarrier, tracingWanted } from '../src/app/common/tracing';
import { startTracing } from '../src/app/common/tracing-sdk';
import { Api } from './support/api';
import { type DatabaseKind } from './support/databases';
import { useServer } from './support/server';

const byName = (spans: ReadableSpan[], name: string): ReadableSpan[] => spans.filter((span) => span.name === name);
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** The spans of one run (and its subtasks) once its final write has been exported. */
async function spansOf(exporter: InMemorySpanExporter, runId: string): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const spans = exporter.getFinishedSpans();
    const execute = spans.find((span) => span.name === 'run.execute' && span.attributes['onward.run_id'] === runId);
    if (execute) return spans.filter((span) => span.spanContext().traceId === execute.spanContext().traceId);
    if (Date.now() > deadline) throw new Error(`no run.execute span for ${runId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('traces off (no OTEL_* variables)', () => {
  const server = useServer('sqlite');

  it('starts no SDK, carries no context, and runs as ever', async () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' })).toBe(true);
    const alice = await Api.as(server.url, 'alice');
    const run = await alice.runToEnd({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } }, 30_000);
    expect(run.status).toBe('completed');
    // The global API is the no-op one: spans record nothing and nothing is injected into jobs.
    expect(trace.getTracer('onward').startSpan('x').isRecording()).toBe(false);
    expect(traceCarrier()).toBeUndefined();
  }, 60_000);
});

// One SDK for the file: OpenTelemetry's global providers are registered once per process.
const exporter = new InMemorySpanExporter();
let sdk: ReturnType<typeof startTracing> | undefined;
afterAll(async () => {
  await sdk?.shutdown();
});

describe.each<DatabaseKind>(['sqlite', 'postgres+redis'])('traces on (%s)', (db) => {
  beforeAll(() => {
    sdk ??= startTracing({}, { spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  });
  const server = useServer(db);

  it('makes one trace from the start request to the final write', async () => {
    const alice = await Api.as(server.url, 'alice');
    const run = await alice.runToEnd({ task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } }, 30_000);
    expect(run.status).toBe('completed');
    const spans = await spansOf(exporter, run.id);
    const [start] = byName(spans, 'run.start');
    const [enqueue] = byName(spans, 'run.enqueue');
    const [execute] = byName(spans, 'run.execute');
    expect(start?.attributes).toMatchObject({ 'onward.run_id': run.id, 'onward.task': 'sales-report' });
    expect(parentOf(enqueue)).toBe(start.spanContext().spanId);
    // The queue hop: the worker's span continues the producer's context carried in the job.
    expect(parentOf(execute)).toBe(enqueue.spanContext().spanId);
    expect(execute.attributes).toMatchObject({ 'onward.run_id': run.id, 'onward.task': 'sales-report' });
    for (const name of ['run.claim', 'run.handler', 'run.record_end']) {
      const [child] = byName(spans, name);
      expect(parentOf(child)).toBe(execute.spanContext().spanId);
      expect(child.attributes['onward.run_id']).toBe(run.id);
    }
  }, 60_000);

  it("puts a scheduler's subtasks under the scheduler's run span", async () => {
    const alice = await Api.as(server.url, 'alice');
    const rows = [
      { customer: 'Acme', year: 2024 },
      { customer: 'Globex', year: 2024 },
    ];
    const run = await alice.runToEnd({ task: 'sales-report', rows }, 30_000);
    expect(run.status).toBe('completed');
    const spans = await spansOf(exporter, run.id);
    const [execute] = byName(spans, 'run.execute');
    const subtasks = byName(spans, 'run.subtask');
    expect(subtasks).toHaveLength(2);
    for (const subtask of subtasks) {
      expect(parentOf(subtask)).toBe(execute.spanContext().spanId);
      expect(subtask.attributes['onward.run_id']).not.toBe(run.id);
      const handler = spans.find(
        (span) => span.name === 'run.handler' && parentOf(span) === subtask.spanContext().spanId,
      );
      expect(handler?.attributes['onward.task']).toBe('sales-report');
    }
    const ends = byName(spans, 'run.record_end').filter((span) => span.attributes['onward.run_id'] === run.id);
    expect(ends.map(parentOf)).toEqual([execute.spanContext().spanId]);
  }, 60_000);
});
