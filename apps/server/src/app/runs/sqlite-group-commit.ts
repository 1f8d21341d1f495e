import type { Database, Statement } from 'better-sqlite3';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import { QueryFailedError } from 'typeorm';

interface Write {
  sql: string;
  parameters: unknown[];
  prepareOnce: boolean;
  resolve(rows: unknown[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the runs' hot path on SQLite (insert, claim, update): the writes of one
 * event-loop turn share one transaction, committed at the end of the turn (`setImmediate`), and each
 * caller's promise resolves only once its write is committed. On its own every statement is a
 * transaction of its own, and each commit appends the changed table and index pages to the WAL
 * again; sharing the commit roughly halves what SQLite spends per run (issue 5's lifecycle bench).
 *
 * TypeORM shares the same single connection. Before any TypeORM statement the open batch is
 * committed (a subscriber's `beforeQuery`), and while a TypeORM statement is in flight or a TypeORM
 * transaction is open, writes wait and run after it: they neither break its `BEGIN` nor join a
 * transaction that may roll back. So code inside a TypeORM transaction on SQLite must not await a
 * run write (none does: task handlers report progress without awaiting it).
 */
export class SqliteGroupCommit implements EntitySubscriberInterface {
  private readonly statements = new Map<string, Statement>();
  /** The open transaction's writes, with their rows, waiting for COMMIT; null when none is open. */
  private batch: { rows: unknown[]; write: Write }[] | null = null;
  /** Writes waiting for TypeORM to be done with the connection. */
  private readonly waiting: Write[] = [];
  private typeOrmStatementsInFlight = 0;

  constructor(private readonly dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  /**
   * Runs one statement; resolves with the rows it returns (none for a plain INSERT) once committed.
   * `prepareOnce: false` for one-off shapes (a scheduler's INSERT of its rows), which are not kept.
   */
  execute(sql: string, parameters: unknown[], prepareOnce = true): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const write = { sql, parameters, prepareOnce, resolve, reject };
      if (this.connectionIsOurs()) this.run(write);
      else this.waiting.push(write);
    });
  }

  /** Commits the open batch now. */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    const db = this.connection;
    try {
      this.statement('COMMIT').run();
    } catch (error) {
      if (db.open && db.inTransaction) this.statement('ROLLBACK').run();
      for (const { write } of batch) write.reject(this.failed('COMMIT', [], error));
      return;
    }
    for (const { rows, write } of batch) write.resolve(rows);
  }

  beforeQuery(): void {
    this.flush();
    this.typeOrmStatementsInFlight++;
  }

  afterQuery(): void {
    // Never below zero: a statement already in flight when this subscriber was added ends unseen.
    this.typeOrmStatementsInFlight = Math.max(0, this.typeOrmStatementsInFlight - 1);
    while (this.waiting.length > 0 && this.connectionIsOurs()) this.run(this.waiting.shift() as Write);
  }

  private get connection(): Database {
    return (this.dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
  }

  private connectionIsOurs(): boolean {
    return this.typeOrmStatementsInFlight === 0 && (this.batch !== null || !this.connection.inTransaction);
  }

  private run(write: Write): void {
    const db = this.connection;
    if (!this.batch) {
      try {
        this.statement('BEGIN IMMEDIATE').run();
      } catch (error) {
        write.reject(this.failed('BEGIN IMMEDIATE', [], error));
        return;
      }
      this.batch = [];
      setImmediate(() => this.flush());
    }
    try {
      const statement = write.prepareOnce ? this.statement(write.sql) : db.prepare(write.sql);
      const rows = statement.reader ? statement.all(...write.parameters) : (statement.run(...write.parameters), []);
      this.batch.push({ rows, write });
    } catch (error) {
      write.reject(this.failed(write.sql, write.parameters, error));
      // A failed statement undoes itself; only some errors (disk full, I/O) end the whole transaction.
      if (!db.inTransaction) {
        const lost = this.batch;
        this.batch = null;
        for (const { write: other } of lost) other.reject(this.failed(other.sql, other.parameters, error));
      }
    }
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private failed(sql: string, parameters: unknown[], error: unknown): QueryFailedError {
    return new QueryFailedError(sql, parameters, error as Error);
  }
}
