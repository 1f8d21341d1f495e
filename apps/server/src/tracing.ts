/**
 * Imported by main.ts before Nest, Fastify and the database drivers load, so that anything that
 * patches modules would see them first. Configured only by the standard OTEL_* variables; without an
 * OTLP endpoint or a traces exporter the SDK is not even loaded and the API stays a no-op.
 */
import { tracingWanted } from './app/common/tracing';

if (tracingWanted(process.env)) {
  // Loaded on demand: a server without tracing does not pay for the SDK's modules.
  (require('./app/common/tracing-sdk') as typeof import('./app/common/tracing-sdk')).startTracing(process.env);
}
