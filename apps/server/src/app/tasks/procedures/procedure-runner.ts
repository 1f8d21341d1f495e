import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DatabaseError, Pool, type PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';

import { ONWARD_CONFIG } from '../../config/config.module';
import type { OnwardConfig } from '../../config/onward-config';
import { TaskFailure, type TaskContext } from '../task-handler';
import type { ProcedureTaskOptions } from './procedure-task';
import { callStatement, outputOf, type ProcedureArgument, quoteIdent, signatureProblems } from './procedure-signature';
import { type Notice, progressOf } from './progress-notice';

/** Thrown at start for a procedure task whose procedure is missing or does not fit its parameters. */
export class ProcedureDeclarationError extends Error {
  override name = 'ProcedureDeclarationError';
}

/** A procedure's arguments, in order; `proargmodes` is null when all are IN. */
const SIGNATURE = `
  SELECT p.prokind AS kind, p.pronargdefaults AS defaults,
         COALESCE(p.proargnames, ARRAY[]::text[]) AS names,
         COALESCE(p.proargmodes::text[], ARRAY[]::text[]) AS modes,
         ARRAY(SELECT format_type(t.oid, NULL) FROM unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[]))
               WITH ORDINALITY AS t(oid, n) ORDER BY t.n) AS types
    FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
   WHERE p.proname = $1 AND s.nspname = COALESCE($2, current_schema())`;

/**
 * The mark at the head of a run's CALL, as `pg_stat_activity.query` shows it: how a retried attempt
 * (or an operator) finds the backend of an earlier attempt. A comment, so that marking the run costs
 * no round trip of its own.
 */
export const callMark = (runId: string): string => {
  // Run ids are UUIDs; anything that could end the comment never reaches the SQL text.
  if (!/^[A-Za-z0-9-]+$/.test(runId)) throw new Error(`Not a run id: ${runId}`);
  return `/* onward run ${runId} */`;
};

/** Ends the backends still running an earlier attempt's CALL (their process died before PostgreSQL noticed). */
const END_EARLIER_ATTEMPT = `SELECT count(pg_terminate_backend(a.pid)) AS ended FROM pg_stat_activity a
  WHERE a.query LIKE $1 AND a.state <> 'idle' AND a.pid <> pg_backend_pid()`;

/** How often a cancel is sent again while its CALL has not returned. */
const CANCEL_RESEND_MS = 200;

const MODES: Record<string, ProcedureArgument['mode']> = { i: 'in', b: 'inout', o: 'out', v: 'variadic' };

interface Signature {
  /** The qualified name to CALL. */
  procedure: string;
  args: ProcedureArgument[];
}

/**
 * Runs stored-procedure tasks on PostgreSQL: each CALL on a connection of its own pool (taken for the
 * whole CALL, so that its NOTICEs are this run's progress and `pg_cancel_backend` reaches exactly it),
 * the run's cancel sent from another connection. A connection whose CALL failed or was cancelled is
 * destroyed, never reused; one that succeeded has its session reset.
 */
@Injectable()
export class ProcedureRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Procedures');
  private readonly declared = new Map<string, ProcedureTaskOptions>();
  private readonly signatures = new Map<string, Signature>();
  private pool: Pool | null = null;
  private readonly backends = new WeakMap<PoolClient, number>();
  /** Procedures need PostgreSQL. */
  readonly available: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig | null = null,
  ) {
    this.available = dataSource.options.type === 'postgres';
  }

  /** Called by each procedure task as it is created. */
  declare(options: ProcedureTaskOptions): void {
    this.declared.set(options.id, options);
  }

  /** Checks every declared procedure against `pg_proc`; a mismatch stops the start with its reasons. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.available || this.declared.size === 0) return;
    const problems: string[] = [];
    for (const task of this.declared.values()) {
      const found = await this.signatureOf(task);
      if (typeof found === 'string') problems.push(`Task "${task.id}" (procedure ${task.procedure}): ${found}`);
      else this.signatures.set(task.id, found);
    }
    if (problems.length > 0) throw new ProcedureDeclarationError(problems.join('\n'));
  }

  /** A run that a worker picked up before the start-up check reached its task. */
  private async checked(task: ProcedureTaskOptions): Promise<Signature> {
    const found = await this.signatureOf(task);
    if (typeof found === 'string')
      throw new TaskFailure(`The procedure ${task.procedure} does not fit the task: ${found}`);
    this.signatures.set(task.id, found);
    return found;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
  }

  /** Calls the task's procedure with the run's parameters; resolves with its output arguments, or null. */
  async call(task: ProcedureTaskOptions, ctx: TaskContext): Promise<Record<string, unknown> | null> {
    const signature = this.signatures.get(task.id) ?? (await this.checked(task));
    const { sql, values } = callStatement(signature.procedure, task.parameters, signature.args, ctx.parameters);
    const client = await (await this.connections()).connect();
    let pid: number | null = null;
    let cancelSent = false;
    let reusable = false;
    const onNotice = (notice: Notice): void => {
      const progress = progressOf(notice);
      if (progress) ctx.progress(progress.percent, progress.message);
      // The run's logger: its lines carry the run's fields.
      else ctx.logger.debug(`${task.id} (run ${ctx.runId}): ${notice.severity ?? 'NOTICE'} ${notice.message ?? ''}`);
    };
    // PostgreSQL cancels only the statement a backend is executing: a cancel that arrives before the
    // CALL does (still on its way), or that fails on its own connection, would let the procedure run on
    // and commit. So it is sent again every CANCEL_RESEND_MS until the CALL has returned.
    let resend: NodeJS.Timeout | undefined;
    let sending = false;
    const sendCancel = (backend: number): void => {
      if (sending) return;
      sending = true;
      this.dataSource
        .query('SELECT pg_cancel_backend($1)', [backend])
        .catch((error: Error) => ctx.logger.warn(`Could not cancel run ${ctx.runId}'s procedure: ${error.message}`))
        .finally(() => (sending = false));
    };
    const cancel = (): void => {
      if (pid === null || cancelSent) return;
      const backend = pid;
      cancelSent = true;
      sendCancel(backend);
      resend = setInterval(() => sendCancel(backend), CANCEL_RESEND_MS);
    };
    client.on('notice', onNotice);
    try {
      const mark = callMark(ctx.runId);
      if (ctx.attempt > 1) await client.query(END_EARLIER_ATTEMPT, [`${mark}%`]);
      if (task.timeoutSeconds) {
        // Session-wide until the RESET ALL (or the destruction) that follows every CALL.
        await client.query("SELECT set_config('statement_timeout', $1, false)", [
          String(Math.round(task.timeoutSeconds * 1000)),
        ]);
      }
      pid = await this.backendOf(client);
      if (ctx.signal.aborted) {
        // Cancelled (or the server stopping) before the CALL: it is not made, and the connection, on
        // which only the session's set-up ran, goes back to the pool reset.
        reusable = true;
        ctx.signal.throwIfAborted();
      }
      ctx.signal.addEventListener('abort', cancel, { once: true });
      const result = await client.query<Record<string, unknown>>(`${mark} ${sql}`, values);
      reusable = !cancelSent;
      if (cancelSent) {
        // The procedure committed just before the cancel reached it: its work is done, although the
        // engine ends the run as its signal says (cancelled, or handed back at a shutdown).
        ctx.logger.warn(`Run ${ctx.runId}'s procedure ${task.procedure} committed before its cancel reached it`);
      }
      return outputOf(signature.args, result.rows[0]);
    } catch (error) {
      throw this.failure(task, error, cancelSent);
    } finally {
      clearInterval(resend);
      ctx.signal.removeEventListener('abort', cancel);
      client.off('notice', onNotice);
      this.release(client, reusable);
    }
  }

  /** A cancelled run's error is left to the engine (it sees the signal); a timeout and SQL errors become the run's. */
  private failure(task: ProcedureTaskOptions, error: unknown, cancelSent: boolean): unknown {
    if (!(error instanceof DatabaseError) || cancelSent) return error;
    if (error.code === '57014' && /statement timeout/.test(error.message) && task.timeoutSeconds) {
      return new TaskFailure(`Timed out after ${task.timeoutSeconds} s`, `SQLSTATE: ${error.code}\n${error.message}`);
    }
    const details = [
      `SQLSTATE: ${error.code ?? 'unknown'}`,
      error.detail && `DETAIL: ${error.detail}`,
      error.hint && `HINT: ${error.hint}`,
      error.where && `CONTEXT: ${error.where}`,
    ].filter(Boolean);
    return new TaskFailure(error.message, details.join('\n'));
  }

  /**
   * A connection whose CALL succeeded goes back with its session reset (whatever the procedure SET is
   * undone). The RESET is queued on the connection and the connection released at once: the client runs
   * its queries in order, so the next CALL on it starts after the reset, and this run's completion
   * does not wait for it. A connection whose CALL failed or was cancelled is destroyed, never reused
   * (pg-pool's documented way: a truthy argument to `release`).
   */
  private release(client: PoolClient, reusable: boolean): void {
    if (!reusable) {
      client.release(true);
      return;
    }
    client
      .query('RESET ALL')
      .catch((error: Error) => this.logger.warn(`Could not reset a procedure connection: ${error.message}`));
    client.release();
  }

  /** The connection's backend, asked once per connection (the target of `pg_cancel_backend`). */
  private async backendOf(client: PoolClient): Promise<number> {
    let pid = this.backends.get(client);
    if (pid === undefined) {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      pid = rows[0].pid;
      this.backends.set(client, pid);
    }
    return pid;
  }

  private async connections(): Promise<Pool> {
    const options = this.dataSource.options;
    if (options.type !== 'postgres') throw new Error('Stored-procedure tasks need PostgreSQL');
    if (this.pool) return this.pool;
    // Asked before the pool's first connection (two first runs may both ask; one pool is made).
    const [{ version }] = (await this.dataSource.query(
      "SELECT current_setting('server_version_num')::int AS version",
    )) as { version: number }[];
    if (!this.pool) {
      // TypeORM's connection settings, in a pool as large as the runs this process executes at once.
      this.pool = new Pool({
        connectionString: options.url,
        host: options.host,
        port: options.port,
        user: options.username,
        password: typeof options.password === 'string' ? options.password : undefined,
        database: options.database,
        max: this.config?.concurrency ?? 4,
        idleTimeoutMillis: 30_000,
        application_name: 'onward procedures',
        options: this.sessionOptions(version >= 140_000),
      });
      // A connection that breaks while idle must not take the process down.
      this.pool.on('error', (error) => this.logger.warn(`A procedure connection broke: ${error.message}`));
    }
    return this.pool;
  }

  /**
   * The startup options of the procedure connections (RESET ALL keeps them):
   * - PostgreSQL ≥ 14 checks every second that the client is still there while a CALL runs, so that a
   *   backend whose worker died ends within a second;
   * - with `DATABASE_URL`'s `?schema=`, the procedures' unqualified names (`orders`) find Onward's
   *   schema first, then `public`, as they do where Onward's tables are in `public`.
   */
  private sessionOptions(checksClient: boolean): string | undefined {
    const options: string[] = [];
    if (checksClient) options.push('-c client_connection_check_interval=1000');
    const schema = this.schema();
    // In the options string a space separates options, so a backslash escapes it (and itself).
    if (schema) options.push(`-c search_path=${quoteIdent(schema).replace(/[\\ ]/g, '\\$&')},public`);
    return options.length > 0 ? options.join(' ') : undefined;
  }

  private async signatureOf(task: ProcedureTaskOptions): Promise<Signature | string> {
    const parts = task.procedure.split('.');
    if (parts.length > 2 || parts.some((part) => !/^[A-Za-z_][A-Za-z0-9_$]*$/.test(part))) {
      return 'the procedure must be named "name" or "schema.name"';
    }
    const [name, schema] = parts.length === 2 ? [parts[1], parts[0]] : [parts[0], this.schema()];
    const rows = (await this.dataSource.query(SIGNATURE, [name, schema])) as {
      kind: string;
      defaults: number;
      names: string[];
      modes: string[];
      types: string[];
    }[];
    if (rows.length === 0) return 'no such procedure in the database';
    if (rows.length > 1) return 'the name is overloaded; Onward calls one procedure per name';
    const [row] = rows;
    if (row.kind !== 'p') return 'it is a function, not a procedure (CREATE PROCEDURE)';
    const args = row.types.map<ProcedureArgument>((type, i) => ({
      name: row.names[i] ?? '',
      mode: MODES[row.modes[i] ?? 'i'] ?? 'in',
      type,
      hasDefault: false,
    }));
    // The last `defaults` input arguments have defaults.
    const inputs = args.filter((a) => a.mode !== 'out');
    if (row.defaults > 0) inputs.slice(-row.defaults).forEach((a) => (a.hasDefault = true));
    const problems = signatureProblems(task.parameters, args);
    if (problems.length > 0) return problems.join('; ');
    const qualified = schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
    return { procedure: qualified, args };
  }

  /** The schema of Onward's tables (`DATABASE_URL`'s `?schema=`), else the connection's current one. */
  private schema(): string | null {
    return (this.dataSource.options as PostgresDataSourceOptions).schema ?? null;
  }
}
