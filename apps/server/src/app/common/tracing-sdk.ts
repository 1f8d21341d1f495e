import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

/**
 * Starts OpenTelemetry's Node SDK (exporter, propagators, resource from the OTEL_* variables) and
 * flushes it on exit. Onward sends traces: metrics and logs go to OTLP only when their variables ask
 * for it, since the SDK would otherwise send them there by default. No auto-instrumentation: Onward's own
 * spans say what a run went through, and patching http and pg cost throughput for little more.
 */
export function startTracing(env: NodeJS.ProcessEnv, options: Partial<NodeSDKConfiguration> = {}): NodeSDK {
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  env['OTEL_SERVICE_NAME'] ??= 'onward';
  const sdk = new NodeSDK({ instrumentations: [], ...options });
  sdk.start();
  const flush = (): void => void sdk.shutdown().catch(() => undefined);
  process.once('beforeExit', flush);
  return sdk;
}
