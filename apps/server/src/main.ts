import { Logger } from '@nestjs/common';

import { createOnwardApp } from './app/app.factory';
import { ONWARD_CONFIG } from './app/config/config.module';
import { ConfigError, type OnwardConfig } from './app/config/onward-config';

async function bootstrap(): Promise<void> {
  const app = await createOnwardApp(process.env);
  const config = app.get<OnwardConfig>(ONWARD_CONFIG);
  // SIGTERM/SIGINT: stop taking work, let running handlers see the abort, close the database.
  app.enableShutdownHooks();
  // Workers execute runs only; their updates reach browsers through the API processes (Redis adapter).
  if (config.role === 'worker') await app.init();
  else await app.listen(config.port);
  const where =
    config.role === 'worker' ? 'Onward worker is running' : `Onward is listening on http://localhost:${config.port}`;
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
