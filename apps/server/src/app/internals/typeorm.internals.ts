import type { Database } from 'better-sqlite3';
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
