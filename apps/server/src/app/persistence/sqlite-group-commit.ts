import type { Database, Statement } from 'better-sqlite3';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import { QueryFailedError } from 'typeorm';

/** A statement that has run, and the commit of its transaction, still to come. */
export interface ExecutedWrite {
  rows: unknown[];
  committed: Promise<void>;
}

interface Write {
  sql: string;
  parameters: unknown[];
  prepareOnce: boolean;
  /** The statement ran, with these rows. */
  executed(rows: unknown[]): void;
  /** Its transaction committed. */
  committed(): void;
  /** It failed, or its transaction did. */
  failed(error: unknown): void;
}

/**
 * Group commit for the runs' hot path on SQLite (insert, claim, update): the writes of one
 * event-loop turn share one transaction, committed at the end of the turn (`setImmediate`), and each
 * caller's promise resolves only once its write is committed. On its own every statement is a
 * transaction of its own, and each commit appends the changed table and index pages to the WAL
 * again; sharing the commit roughly halves what SQLite spends per run (the lifecycle bench).
 *
 * TypeORM shares the same single connection. Before any TypeORM statement the open batch is
 * committed (a subscriber's `beforeQuery`), and while a TypeORM statement is in flight or a TypeORM
 * transaction is open, writes wait and run after it: they neither break its `BEGIN` nor join a
 * transaction that may roll back. So code inside a TypeORM transaction on SQLite must not await a
 * run write (none does: task handlers report progress without awaiting it).
 */
export class SqliteGroupCommit implements EntitySubscriberInterface {
  private readonly statements = new Map<string, Statement>();
  /** The open transaction's writes, waiting for COMMIT; null when none is open. */
  private batch: Write[] | null = null;
  /** Writes waiting for TypeORM to be done with the connection. */
  private readonly waiting: Write[] = [];
  private typeOrmStatementsInFlight = 0;

  /** `connection`: the better-sqlite3 connection under `dataSource` (internals/typeorm.internals.ts). */
  constructor(
    dataSource: DataSource,
    private readonly connection: Database,
  ) {
    dataSource.subscribers.push(this);
  }

  /**
   * Runs one statement; resolves with the rows it returns (none for a plain INSERT) once committed.
   * `prepareOnce: false` for one-off shapes (a scheduler's INSERT of its rows), which are not kept.
   */
  execute(sql: string, parameters: unknown[], prepareOnce = true): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      let rows: unknown[] = [];
      this.submit({
        sql,
        parameters,
        prepareOnce,
        executed: (result) => (rows = result),
        committed: () => resolve(rows),
        failed: reject,
      });
    });
  }

  /**
   * Runs one statement; resolves with its rows as soon as it has run, before the commit, which
   * `committed` tells. For a step whose caller may go on before the write is durable (a run's claim:
   * its handler starts, and its 'running' is announced only once committed). A crash before the
   * commit leaves the row as it was: the run is still queued, and runs at the next start.
   */
  executeEarly(sql: string, parameters: unknown[]): Promise<ExecutedWrite> {
    return new Promise((resolve, reject) => {
      let commit!: { resolve(): void; reject(error: unknown): void };
      const committed = new Promise<void>((resolveCommit, rejectCommit) => {
        commit = { resolve: resolveCommit, reject: rejectCommit };
      });
      // A caller that never looks at `committed` must not leave an unhandled rejection behind.
      committed.catch(() => undefined);
      this.submit({
        sql,
        parameters,
        prepareOnce: true,
        executed: (rows) => resolve({ rows, committed }),
        committed: () => commit.resolve(),
        // Before the statement ran, the first rejects; after, the second (the first is settled).
        failed: (error) => {
          reject(error);
          commit.reject(error);
        },
      });
    });
  }

  /**
   * Runs `work` in a transaction of its own, synchronously, once the connection is free: the open
   * batch is committed first, and nothing else runs on the connection until `work` returns (it never
   * yields, unlike a TypeORM transaction, whose awaits keep every other write waiting on a busy
   * event loop). For bulk maintenance (the retention sweep's batches). `work` should keep its
   * statements with `prepared`, which are kept, not dropped.
   */
  exclusive<T>(work: (prepared: (sql: string) => Statement) => T): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = (): void => {
        // A TypeORM statement or transaction holds the connection: try again in the next turn.
        if (this.typeOrmStatementsInFlight > 0 || (this.batch === null && this.connection.inTransaction)) {
          setImmediate(attempt);
          return;
        }
        this.flush();
        try {
          resolve(this.connection.transaction(() => work((sql) => this.statement(sql))).immediate());
        } catch (error) {
          reject(this.failed('exclusive transaction', [], error));
        }
      };
      attempt();
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
      for (const write of batch) write.failed(this.failed('COMMIT', [], error));
      return;
    }
    for (const write of batch) write.committed();
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

  private submit(write: Write): void {
    if (this.connectionIsOurs()) this.run(write);
    else this.waiting.push(write);
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
        write.failed(this.failed('BEGIN IMMEDIATE', [], error));
        return;
      }
      this.batch = [];
      setImmediate(() => this.flush());
    }
    try {
      const statement = write.prepareOnce ? this.statement(write.sql) : db.prepare(write.sql);
      const rows = statement.reader ? statement.all(...write.parameters) : (statement.run(...write.parameters), []);
      this.batch.push(write);
      write.executed(rows);
    } catch (error) {
      write.failed(this.failed(write.sql, write.parameters, error));
      // A failed statement undoes itself; only some errors (disk full, I/O) end the whole transaction.
      if (!db.inTransaction) {
        const lost = this.batch;
        this.batch = null;
        for (const other of lost) other.failed(this.failed(other.sql, other.parameters, error));
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
