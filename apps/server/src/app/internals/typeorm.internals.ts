import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The better-sqlite3 connection TypeORM holds for a `better-sqlite3` DataSource
 * (`driver.databaseConnection`, public in its types but not in its documentation), or null when the
 * DataSource is another kind, not connected, or the field is gone or not a better-sqlite3 Database.
 * Never throws.
 */
export function sqliteConnectionOf(dataSource: DataSource): Database | null {
  try {
    if (dataSource.options.type !== 'better-sqlite3' || !dataSource.isInitialized) return null;
    const connection = (dataSource.driver as unknown as { databaseConnection?: unknown }).databaseConnection;
    if (!connection || typeof connection !== 'object') return null;
    const db = connection as Partial<Database>;
    const looksRight =
      typeof db.prepare === 'function' && typeof db.transaction === 'function' && typeof db.inTransaction === 'boolean';
    return looksRight ? (connection as Database) : null;
  } catch {
    return null;
  }
}

/**
 * The pg Pool of a `postgres` DataSource's primary (`driver.master`), or null when it is not there or
 * not a pg Pool. Never throws.
 */
export function postgresPoolOf(dataSource: DataSource): Pool | null {
  try {
    if (dataSource.options.type !== 'postgres' || !dataSource.isInitialized) return null;
    const pool = (dataSource.driver as unknown as { master?: unknown }).master;
    if (!pool || typeof pool !== 'object') return null;
    return typeof (pool as Partial<Pool>).query === 'function' ? (pool as Pool) : null;
  } catch {
    return null;
  }
}
