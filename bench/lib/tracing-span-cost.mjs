// Child of the `tracing` section: CPU time of one run's six spans (nested as the engine nests them)
// with OpenTelemetry's Node SDK on and exporting over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, as
// an Onward process starts it. CPU time, not wall time: less at the mercy of a busy machine.
import { SpanKind, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';

const RUNS = Number(process.env.RUNS ?? 20_000);
process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';
const sdk = new NodeSDK({ instrumentations: [] });
sdk.start();
const tracer = trace.getTracer('onward');
const inSpan = (name, kind, work) =>
  tracer.startActiveSpan(name, { kind, attributes: { 'onward.run_id': 'r', 'onward.task': 't' } }, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
const noop = async () => undefined;
const oneRun = () =>
  inSpan('run.start', SpanKind.INTERNAL, () =>
    inSpan('run.enqueue', SpanKind.PRODUCER, () =>
      inSpan('run.execute', SpanKind.CONSUMER, async () => {
        await inSpan('run.claim', SpanKind.INTERNAL, noop);
        await inSpan('run.handler', SpanKind.INTERNAL, noop);
        await inSpan('run.record_end', SpanKind.INTERNAL, noop);
      }),
    ),
  );
async function measure(runs) {
  const before = process.cpuUsage();
  // Flushed every 200 runs: the batch processor keeps at most 2048 spans and drops the rest.
  const provider = trace.getTracerProvider().getDelegate();
  for (let i = 0; i < runs; i++) {
    await oneRun();
    if (i % 200 === 199) await provider.forceFlush();
  }
  await provider.forceFlush();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / runs;
}
await measure(2_000); // warm-up
const reps = [await measure(RUNS), await measure(RUNS), await measure(RUNS)];
await sdk.shutdown();
process.stdout.write(JSON.stringify({ cpuUsPerRun: reps }) + '\n');
