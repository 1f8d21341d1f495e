import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createOnwardApp } from './app.factory';

/** A whole Onward app on its embedded defaults (SQLite, in-process queue) in a temporary folder. */
export interface EmbeddedApp {
  app: INestApplication;
  dataDir: string;
  /** Closes the app and removes its folder. */
  close(): Promise<void>;
}

/**
 * Starts an embedded app without demo users, quiet, for specs that drive the engine directly; `env`
 * adds to its configuration (DATABASE_URL and REDIS_URL for Redis mode, say).
 */
export async function startEmbeddedApp(prefix: string, env: Record<string, string> = {}): Promise<EmbeddedApp> {
  const dataDir = mkdtempSync(join(tmpdir(), `onward-${prefix}-`));
  const app = await createOnwardApp({
    ONWARD_DATA_DIR: dataDir,
    ONWARD_LOG_LEVEL: 'fatal',
    ONWARD_DEMO_USERS: 'false',
    ...env,
  });
  await app.init();
  return {
    app,
    dataDir,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
