import { Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';

import { UserEntity } from '../auth/user.entity';
import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { DEMO_ENTITIES } from '../demo/demo.entities';
import { DemoTables1730000000100 } from '../demo/migrations/1730000000100-demo-tables';
import { RunDeletionEntity } from '../persistence/run-deletion.entity';
import { RunEntity } from '../persistence/run.entity';
import { CoreTables1730000000000 } from './migrations/1730000000000-core-tables';
import { RunDeletions1730000000200 } from './migrations/1730000000200-run-deletions';
import { UserAccounts1730000000300 } from './migrations/1730000000300-user-accounts';
import { HostIdentity1730000000400 } from './migrations/1730000000400-host-identity';
import { RunLimitIndexes1730000000500 } from './migrations/1730000000500-run-limit-indexes';
import { OnwardProgress1730000001000 } from './migrations/1730000001000-onward-progress';
import { SalesSummary1730000001100 } from '../demo/migrations/1730000001100-sales-summary';
import { RunReadableColumns1730000001200 } from './migrations/1730000001200-run-readable-columns';
import { RunRerunOf1730000001300 } from './migrations/1730000001300-run-rerun-of';
import { Uploads1730000001350 } from './migrations/1730000001350-uploads';
import { TaskDurations1730000001400 } from './migrations/1730000001400-task-durations';
import { RunLocale1730000001500 } from './migrations/1730000001500-run-locale';
import { RunQueueTold1730000001600 } from './migrations/1730000001600-run-queue-told';
import { RunStats1730000001550 } from './migrations/1730000001550-run-stats';
import { TaskDurationEntity } from '../persistence/task-duration.entity';
import { UploadEntity } from '../uploads/upload.entity';

const ENTITIES = [UserEntity, RunEntity, RunDeletionEntity, TaskDurationEntity, UploadEntity, ...DEMO_ENTITIES];
// Listed as classes, not globs: the server is bundled, and the order is the upgrade path.
export const MIGRATIONS = [
  CoreTables1730000000000,
  DemoTables1730000000100,
  RunDeletions1730000000200,
  UserAccounts1730000000300,
  HostIdentity1730000000400,
  RunLimitIndexes1730000000500,
  OnwardProgress1730000001000,
  SalesSummary1730000001100,
  RunReadableColumns1730000001200,
  RunRerunOf1730000001300,
  Uploads1730000001350,
  TaskDurations1730000001400,
  RunLocale1730000001500,
  RunStats1730000001550,
  RunQueueTold1730000001600,
];

/** A schema named in DATABASE_URL must exist before TypeORM puts its migrations table there. */
async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

export async function typeOrmOptions(config: OnwardConfig): Promise<TypeOrmModuleOptions> {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Run by `initialize()` below, under a lock, so that processes starting together do not race.
    migrationsRun: false,
    synchronize: false,
    logging: ['error', 'warn'] as ('error' | 'warn')[],
  };
  if (config.database.type === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: config.database.file,
      enableWAL: true,
      // Several writers (engine, API) share one file: wait for the lock instead of failing.
      // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on a power cut or an OS crash
      // (not on a process crash); a run answered 202 or reported finished must survive both.
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
        db.pragma('synchronous = FULL');
      },
    };
  }
  const { url, schema } = config.database;
  if (schema) await ensureSchema(url, schema);
  return {
    ...common,
    type: 'postgres',
    url,
    schema: schema ?? undefined,
    migrationsTransactionMode: 'each',
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}

/** Any fixed number: the PostgreSQL advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 727_274;

/** Connects and brings the schema up to date; on PostgreSQL one process at a time. */
export async function initialize(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  if (options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
  return dataSource;
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ONWARD_CONFIG],
      useFactory: (config: OnwardConfig) => typeOrmOptions(config),
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('no database options');
        return initialize(options);
      },
    }),
  ],
})
export class DatabaseModule {}
