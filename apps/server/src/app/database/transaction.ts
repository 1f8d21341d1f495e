import type { DataSource, EntityManager } from 'typeorm';

/** Per SQLite database: the end of the last transaction started, which the next one waits for. */
const lastTransaction = new WeakMap<DataSource, Promise<unknown>>();

/**
 * `manager.transaction(work)`, but one at a time on SQLite. TypeORM's better-sqlite3 driver has one
 * connection and one query runner for everything, so transactions that overlap in time nest as
 * savepoints of one another (one's rollback undoes the other's work), or both send `BEGIN` and one
 * fails. On PostgreSQL each transaction has a connection of its own and they run side by side.
 */
export function transaction<T>(manager: EntityManager, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const dataSource = manager.connection;
  if (dataSource.options.type !== 'better-sqlite3') return manager.transaction(work);
  const previous = lastTransaction.get(dataSource) ?? Promise.resolve();
  const result = previous.then(() => manager.transaction(work));
  lastTransaction.set(
    dataSource,
    result.catch(() => undefined),
  );
  return result;
}
