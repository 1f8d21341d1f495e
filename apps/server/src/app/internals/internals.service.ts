import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import type IORedis from 'ioredis';
import type { Pool } from 'pg';
import type { Socket } from 'socket.io';
import { DataSource } from 'typeorm';

import { ONWARD_CONFIG } from '../config/config.module';
import type { InternalsDependency, OnwardConfig } from '../config/onward-config';
import { coalesceFlushedFrames, probeEngineIo } from './engine-io.internals';
import { installedVersion } from './installed-version';
import { probeIoredis, turnBatchedPublishes } from './ioredis.internals';
import { postgresPoolOf, sqliteConnectionOf } from './typeorm.internals';

/** What each speed-up reaches for, and what runs instead without it (for the start-up warning). */
const NEEDS: Record<InternalsDependency, { packages: string[]; fields: string; fallback: string }> = {
  'engine.io': {
    packages: ['engine.io', 'ws'],
    fields: "the TCP socket of a WebSocket connection (engine.io's transport.socket, ws's _socket)",
    fallback: 'each Socket.IO frame is its own write',
  },
  ioredis: {
    packages: ['ioredis'],
    fields: "a connection's socket (client.stream)",
    fallback: 'each PUBLISH is its own write',
  },
  typeorm: {
    packages: ['typeorm'],
    fields: "the driver's connection (driver.databaseConnection on SQLite, driver.master on PostgreSQL)",
    fallback: "the hot-path statements go through TypeORM's query runner, one commit each on SQLite",
  },
};

/**
 * The one way into other libraries' private internals. Each speed-up is on when `ONWARD_TUNING`
 * lists its dependency and the fields it needs were found at start; otherwise its accessor answers
 * null (or does nothing) and the caller takes the library's documented path. Accessors never throw,
 * so a changed dependency cannot break a caller (an RxJS subscriber, a socket's event handler).
 */
@Injectable()
export class Internals implements OnModuleInit {
  private readonly logger = new Logger('Internals');
  private readonly on: Set<InternalsDependency>;

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    dataSource: DataSource,
  ) {
    this.on = new Set(config.internals);
    // Checked here, synchronously: the repositories ask for the connection while they are built.
    if (this.on.has('typeorm')) {
      const found = sqliteConnectionOf(dataSource) ?? postgresPoolOf(dataSource);
      if (!found) this.missing('typeorm');
    }
  }

  /** Checks with real connections of its own that engine.io and ioredis still have the fields needed. */
  async onModuleInit(): Promise<void> {
    const redis = this.config.redis;
    const [engineIo, ioredis] = await Promise.all([
      this.on.has('engine.io') ? probeEngineIo() : null,
      this.on.has('ioredis') && redis ? probeIoredis(redis.url) : null,
    ]);
    // null: the probe could not run (Redis away at start); the accessors still check every use.
    if (engineIo === false) this.missing('engine.io');
    if (ioredis === false) this.missing('ioredis');
    const used = [...this.on].filter((dependency) => dependency !== 'ioredis' || redis);
    this.logger.log(`Speed-ups on private internals (ONWARD_TUNING): ${used.join(', ') || 'none'}`);
  }

  /** Whether the speed-ups on `dependency` are in use. */
  uses(dependency: InternalsDependency): boolean {
    return this.on.has(dependency);
  }

  /** Sends the Socket.IO frames flushed in one turn in one TCP write (see coalesceFlushedFrames). */
  coalesceFrames(conn: Socket['conn']): void {
    if (this.on.has('engine.io')) coalesceFlushedFrames(conn);
  }

  /** A hook for the adapter's publisher that sends one turn's PUBLISHes in one write, or null. */
  publishHook(): ((client: IORedis) => void) | null {
    return this.on.has('ioredis') ? turnBatchedPublishes() : null;
  }

  /** The better-sqlite3 connection under `dataSource`, or null (another database, or off). */
  sqliteConnection(dataSource: DataSource): Database | null {
    return this.on.has('typeorm') ? sqliteConnectionOf(dataSource) : null;
  }

  /** The pg Pool under `dataSource`, or null (another database, or off). */
  postgresPool(dataSource: DataSource): Pool | null {
    return this.on.has('typeorm') ? postgresPoolOf(dataSource) : null;
  }

  private missing(dependency: InternalsDependency): void {
    this.on.delete(dependency);
    const { packages, fields, fallback } = NEEDS[dependency];
    const versions = packages.map((name) => `${name} ${installedVersion(name)}`).join(', ');
    this.logger.warn(
      `${versions}: ${fields} not found, so that speed-up is off and ${fallback}. ` +
        `Update apps/server/src/app/internals/ for this version, or set ONWARD_TUNING without ${dependency}.`,
    );
  }
}
