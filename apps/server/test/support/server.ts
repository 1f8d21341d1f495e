/**
 * Boots the real server in-process on a temporary data folder (SQLite) or a unique PostgreSQL
 * schema, listening on a random port of 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createOnwardApp } from '../../src/app/app.factory';
import { tuningEnv } from './process';
import {
  type DatabaseKind,
  assertPostgresReachable,
  dropSchema,
  postgresUrlWithSchema,
  uniqueSchemaName,
} from './databases';
import { REDIS_URL, deleteRedisPrefix, redisReachable, redisUrlWithPrefix, uniqueRedisPrefix } from './redis';

export type ServerEnv = Record<string, string>;

export interface TestServer {
  readonly db: DatabaseKind;
  /** Base URL; empty for a process that does not listen (a worker). */
  readonly url: string;
  readonly dataDir: string;
  /** The PostgreSQL schema, or null on SQLite. */
  readonly schema: string | null;
  /** The Redis key prefix in `postgres+redis` mode, else null. */
  readonly redisPrefix: string | null;
  close(): Promise<void>;
}

export interface BootOptions {
  /** Share another server's data folder and schema (several processes on one installation). */
  shareWith?: TestServer;
  /** false for ONWARD_ROLE=worker, which serves no HTTP. */
  listen?: boolean;
}

type OnwardApp = Awaited<ReturnType<typeof createOnwardApp>>;

/**
 * Starts one server; `close()` stops it and removes the data folder and schema it created (not
 * those it shares).
 */
export async function bootServer(
  db: DatabaseKind,
  env: ServerEnv = {},
  options: BootOptions = {},
): Promise<TestServer> {
  if (db !== 'sqlite') await assertPostgresReachable();
  if (db === 'postgres+redis' && !redisReachable()) throw new Error(`Redis at ${REDIS_URL} is unreachable`);
  const shared = options.shareWith;
  const dataDir = shared?.dataDir ?? mkdtempSync(join(tmpdir(), 'onward-test-'));
  const schema = shared ? shared.schema : db !== 'sqlite' ? uniqueSchemaName() : null;
  const redisPrefix = shared ? shared.redisPrefix : db === 'postgres+redis' ? uniqueRedisPrefix() : null;
  // Quiet logs (warnings and errors only) unless a suite asks otherwise; a suite's own REDIS_URL wins.
  const fullEnv: ServerEnv = {
    ONWARD_DATA_DIR: dataDir,
    ONWARD_LOG_LEVEL: 'warn',
    ...tuningEnv(),
    ...(redisPrefix ? { REDIS_URL: redisUrlWithPrefix(redisPrefix) } : {}),
    ...env,
  };
  if (schema) fullEnv['DATABASE_URL'] = postgresUrlWithSchema(schema);
  let app: OnwardApp | undefined;
  const cleanUp = async (): Promise<void> => {
    try {
      if (app) await app.close();
    } finally {
      if (!shared) {
        rmSync(dataDir, { recursive: true, force: true });
        if (schema) await dropSchema(schema);
        if (redisPrefix) await deleteRedisPrefix(redisPrefix);
      }
    }
  };
  try {
    app = await createOnwardApp(fullEnv);
    let url = '';
    if (options.listen === false) await app.init();
    else {
      await app.listen(0, '127.0.0.1');
      url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
    }
    return { db, url, dataDir, schema, redisPrefix, close: cleanUp };
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
}

/**
 * Registers beforeAll/afterAll that boot one server for the enclosing describe block; the returned
 * object is filled in once beforeAll has run.
 */
export function useServer(db: DatabaseKind, env: ServerEnv = {}): TestServer {
  let server: TestServer | undefined;
  const current = (): TestServer => {
    if (!server) throw new Error('the server has not started (see the beforeAll error above)');
    return server;
  };
  beforeAll(async () => {
    server = await bootServer(db, env);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  }, 60_000);
  return {
    db,
    get url() {
      return current().url;
    },
    get dataDir() {
      return current().dataDir;
    },
    get schema() {
      return current().schema;
    },
    get redisPrefix() {
      return current().redisPrefix;
    },
    close: () => current().close(),
  };
}
