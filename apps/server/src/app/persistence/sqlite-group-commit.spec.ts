import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, QueryFailedError } from 'typeorm';

import { transaction } from '../database/transaction';
import { sqliteConnectionOf } from '../internals/typeorm.internals';
import { SqliteGroupCommit } from './sqlite-group-commit';

const INSERT = 'INSERT INTO t (id, v) VALUES (?, ?)';
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SqliteGroupCommit (a real SQLite file, through TypeORM)', () => {
  let dir: string;
  let dataSource: DataSource;
  let writes: SqliteGroupCommit;
  /** A second connection to the same file: sees only what is committed. */
  let reader: Database.Database;
  const committed = (): number[] =>
    (reader.prepare('SELECT id FROM t ORDER BY id').all() as { id: number }[]).map((row) => row.id);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onward-group-commit-'));
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'test.sqlite'),
      enableWAL: true,
    }).initialize();
    await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    writes = new SqliteGroupCommit(dataSource, sqliteConnectionOf(dataSource) as Database.Database);
    reader = new Database(join(dir, 'test.sqlite'), { readonly: true });
  });

  afterEach(async () => {
    reader.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one turn together, and resolves each only once committed', async () => {
    const seenAtResolve: number[][] = [];
    const all = [1, 2, 3].map((id) => writes.execute(INSERT, [id, 'x']).then(() => seenAtResolve.push(committed())));
    expect(committed()).toEqual([]); // executed, not yet committed
    await Promise.all(all);
    expect(seenAtResolve).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('executeEarly answers once the statement ran, and tells the commit apart', async () => {
    await writes.execute(INSERT, [1, 'a']);
    const early = await writes.executeEarly('UPDATE t SET v = ? WHERE id = ? RETURNING *', ['b', 1]);
    expect(early.rows).toEqual([{ id: 1, v: 'b' }]);
    expect(reader.prepare('SELECT v FROM t WHERE id = 1').get()).toEqual({ v: 'a' }); // not committed yet
    const later = writes.execute(INSERT, [2, 'shares the commit']);
    await early.committed;
    expect(reader.prepare('SELECT v FROM t WHERE id = 1').get()).toEqual({ v: 'b' });
    await later;
    expect(committed()).toEqual([1, 2]);
  });

  it('returns the rows of RETURNING statements', async () => {
    await writes.execute(INSERT, [1, 'a']);
    await expect(writes.execute('UPDATE t SET v = ? WHERE id = ? RETURNING *', ['b', 1])).resolves.toEqual([
      { id: 1, v: 'b' },
    ]);
    await expect(writes.execute('UPDATE t SET v = ? WHERE id = ? RETURNING *', ['b', 99])).resolves.toEqual([]);
  });

  it('fails only the statement that fails; the others of its batch are committed', async () => {
    await writes.execute(INSERT, [1, 'a']);
    const results = await Promise.allSettled([
      writes.execute(INSERT, [2, 'b']),
      writes.execute(INSERT, [1, 'duplicate']),
      writes.execute(INSERT, [3, 'c']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(QueryFailedError);
    expect(committed()).toEqual([1, 2, 3]);
  });

  it('commits its open batch before a TypeORM statement, so that a TypeORM transaction can begin', async () => {
    const pending = writes.execute(INSERT, [1, 'a']);
    await dataSource.transaction(async (manager) => {
      expect(committed()).toEqual([1]);
      await manager.query(INSERT, [2, 'typeorm']);
    });
    await pending;
    expect(committed()).toEqual([1, 2]);
  });

  it('keeps its writes out of a TypeORM transaction that rolls back, and runs them after it', async () => {
    let write: Promise<unknown> | null = null;
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(INSERT, [1, 'typeorm']);
        write = writes.execute(INSERT, [2, 'ours']); // issued while the transaction is open
        await nextTurn();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await write;
    expect(committed()).toEqual([2]);
  });

  it('waits for a TypeORM statement in flight before writing', async () => {
    const typeorm = dataSource.query(INSERT, [1, 'typeorm']);
    await Promise.resolve(); // TypeORM has announced its statement (beforeQuery), not yet run it
    // Copies row 1: finds it only if it runs after TypeORM's INSERT.
    const ours = writes.execute('INSERT INTO t (id, v) SELECT 2, v FROM t WHERE id = 1 RETURNING *', []);
    await typeorm;
    await expect(ours).resolves.toEqual([{ id: 2, v: 'typeorm' }]);
    expect(committed()).toEqual([1, 2]);
  });

  it('runs TypeORM transactions that start together one at a time, with writes issued meanwhile', async () => {
    // Runs claimed in one commit start their handlers in the same turn: their transactions overlap.
    const ours: Promise<unknown>[] = [];
    const results = await Promise.allSettled(
      [1, 2, 3].map((id) =>
        transaction(dataSource.manager, async (manager) => {
          await manager.query(INSERT, [id, 'typeorm']);
          ours.push(writes.execute(INSERT, [10 + id, 'ours']));
          await nextTurn();
          if (id === 2) throw new Error('roll back the second');
        }),
      ),
    );
    await Promise.all(ours);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('roll back the second');
    expect(committed()).toEqual([1, 3, 11, 12, 13]);
  });
});
