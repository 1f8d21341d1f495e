import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { DataSource } from 'typeorm';

import { ONWARD_CONFIG } from '../config/config.module';
import type { InternalsDependency, OnwardConfig } from '../config/onward-config';
import { installedVersion } from './installed-version';
import { sqliteConnectionOf } from './typeorm.internals';

/** What each speed-up reaches for, and what runs instead without it (for the start-up warning). */
const NEEDS: Record<InternalsDependency, { packages: string[]; fields: string; fallback: string }> = {
  typeorm: {
    packages: ['typeorm'],
    fields: "the driver's better-sqlite3 connection (driver.databaseConnection)",
    fallback: "the runs' writes go through TypeORM's query runner, one commit each (no group commit)",
  },
};

/**
 * The one way into other libraries' private internals. A speed-up is on when `ONWARD_TUNING` lists
 * its dependency and the fields it needs were found at start; otherwise its accessor answers null
 * and the caller takes the library's documented path. Accessors never throw, so a changed dependency
 * cannot break a caller.
 *
 * Only speed-ups that gained at least 10 % of the bench figure they were written for are kept here
 * (bench/README.md, "Speed-ups on private internals", lists the ones measured and dropped).
 */
@Injectable()
export class Internals implements OnModuleInit {
  private readonly logger = new Logger('Internals');
  private readonly on: Set<InternalsDependency>;
  private readonly sqlite: boolean;

  constructor(@Inject(ONWARD_CONFIG) config: OnwardConfig, dataSource: DataSource) {
    this.on = new Set(config.internals);
    this.sqlite = dataSource.options.type === 'better-sqlite3';
    // Checked while the app is built, synchronously: the repositories ask for the connection then.
    if (this.on.has('typeorm') && this.sqlite && !sqliteConnectionOf(dataSource)) this.missing('typeorm');
  }

  /** Says which speed-ups this process uses; a missing field was warned about when it was found. */
  onModuleInit(): void {
    const used = [...this.on].filter((dependency) => dependency !== 'typeorm' || this.sqlite);
    this.logger.log(`Speed-ups on private internals (ONWARD_TUNING): ${used.join(', ') || 'none'}`);
  }

  /** Whether the speed-ups on `dependency` are in use. */
  uses(dependency: InternalsDependency): boolean {
    return this.on.has(dependency);
  }

  /** The better-sqlite3 connection under `dataSource`, or null (another database, or off). */
  sqliteConnection(dataSource: DataSource): Database | null {
    return this.on.has('typeorm') ? sqliteConnectionOf(dataSource) : null;
  }

  private missing(dependency: InternalsDependency): void {
    this.on.delete(dependency);
    const { packages, fields, fallback } = NEEDS[dependency];
    const versions = packages.map((name) => `${name} ${installedVersion(name)}`).join(', ');
    this.logger.warn(
      `${versions}: ${fields} not found, so that speed-up is off and ${fallback}. ` +
        `Update apps/server/src/app/internals/ for this version, or set ONWARD_TUNING=off.`,
    );
  }
}
