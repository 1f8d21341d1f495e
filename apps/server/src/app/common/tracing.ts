import {
  type Attributes,
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type TracerProvider,
} from '@opentelemetry/api';

/** W3C trace context (traceparent, tracestate) carried with a queued run; absent when tracing is off. */
export type TraceCarrier = Record<string, string>;

const tracer = trace.getTracer('onward');

/**
 * Traces are on when the environment names somewhere to send them, as OpenTelemetry's variables do,
 * unless OTEL_SDK_DISABLED says otherwise.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporters = env['OTEL_TRACES_EXPORTER']?.trim();
  if (exporters === 'none') return false;
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || exporters);
}

/** The current trace context, to carry across the queue (undefined when there is none to carry). */
export function traceCarrier(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** The context a carrier brought (the active one when none came). */
export function carriedContext(carrier: TraceCarrier | undefined): Context {
  return carrier ? propagation.extract(context.active(), carrier) : context.active();
}

/** Span attributes naming a run. */
export const runAttributes = (run: { id: string; task: string }): Attributes => ({
  'onward.run_id': run.id,
  'onward.task': run.task,
});

/**
 * Runs `work` inside a span named `name`, child of `parent` (default: the active context); a throw
 * marks the span as an error and is rethrown.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  options: { kind?: SpanKind; parent?: Context } = {},
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

type FlushableProvider = TracerProvider & { forceFlush?: () => Promise<void> };

/** Sends the spans the SDK still holds in its batch; nothing to do when tracing is off. */
export async function flushTraces(): Promise<void> {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => FlushableProvider };
  await global
    .getDelegate?.()
    .forceFlush?.()
    .catch(() => undefined);
}

export { SpanKind };
