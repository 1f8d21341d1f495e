// First: stop with a clear message on an unsupported Node.js, before any native module loads.
import './runtime-check';
// Then tracing, before Nest, Fastify and the database drivers load.
import './tracing';

import { type INestApplication, Logger } from '@nestjs/common';

import { createOnwardApp } from './app/app.factory';
import { ONWARD_CONFIG } from './app/config/config.module';
import { ConfigError } from './app/config/env-values';
import type { OnwardConfig } from './app/config/onward-config';
import { serveProbesOnly } from './app/observability/probes-only';

/**
 * Every interface, as Node's own default: IPv6 and IPv4 (dual stack), or IPv4 alone where the
 * kernel has no IPv6 (Fastify would listen on localhost only).
 */
async function listenOnEveryInterface(app: INestApplication, port: number): Promise<void> {
  try {
    await app.listen(port, '::');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw error;
    await app.listen(port, '0.0.0.0');
  }
}

async function bootstrap(): Promise<void> {
  const app = await createOnwardApp(process.env);
  const config = app.get<OnwardConfig>(ONWARD_CONFIG);
  // SIGTERM/SIGINT: stop taking work, let running handlers see the abort, close the database.
  app.enableShutdownHooks();
  // Workers execute runs only; their updates reach browsers through the API processes (Redis adapter).
  // With metrics on, a worker listens too, for its scraper and health checks only.
  const worker = config.role === 'worker';
  if (worker && config.metricsToken) serveProbesOnly(app);
  if (worker && !config.metricsToken) await app.init();
  else if (config.host) await app.listen(config.port, config.host);
  // Outside production (demo users with known passwords) only this machine may connect.
  else if (!config.production) await app.listen(config.port, 'localhost');
  else await listenOnEveryInterface(app, config.port);
  const where = worker
    ? `Onward worker is running${config.metricsToken ? ` (metrics on port ${config.port})` : ''}`
    : `Onward is listening on http://localhost:${config.port}`;
  Logger.log(
    `${where} (database ${config.database.type}, queue ${config.redis ? 'bullmq' : 'in-process'}, role ${config.role})`,
    'Onward',
  );
}

bootstrap().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `Onward could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
