import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ParameterDefinition } from '@onward/task-domain';
import type { DataSource } from 'typeorm';

import { ONWARD_CONFIG } from '../../config/config.module';
import type { OnwardConfig } from '../../config/onward-config';
import { procedureTask } from '../procedures/procedure-task';

/**
 * Procedures for `bench/` and the procedure tests, created at start (before the catalogue checks
 * them) in the schema of Onward's tables. `bench_procedure_steps` writes a row per step into
 * `bench_procedure_log` in its one transaction, so that a test can see a cancel roll it back.
 */
const PROCEDURES = (s: string): string[] => [
  `CREATE TABLE IF NOT EXISTS ${s}.bench_procedure_log (run text NOT NULL, step integer NOT NULL)`,
  `CREATE OR REPLACE PROCEDURE ${s}.bench_procedure_noop() LANGUAGE plpgsql AS $$ BEGIN END $$`,
  // Progress whose message is the moment it was raised (ms since the epoch): NOTICE → browser latency.
  `CREATE OR REPLACE PROCEDURE ${s}.bench_procedure_clock(p_ticks integer, p_interval_seconds numeric)
   LANGUAGE plpgsql AS $$
   BEGIN
     FOR i IN 1..p_ticks LOOP
       PERFORM pg_sleep(p_interval_seconds);
       CALL onward.progress(i * 100.0 / p_ticks, (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text);
     END LOOP;
   END $$`,
  `CREATE OR REPLACE PROCEDURE ${s}.bench_procedure_steps(
     p_steps integer, p_step_seconds numeric, p_tag text DEFAULT '', p_fail_at integer DEFAULT 0,
     INOUT steps_done integer DEFAULT NULL)
   LANGUAGE plpgsql AS $$
   BEGIN
     steps_done := 0;
     FOR i IN 1..p_steps LOOP
       IF i = p_fail_at THEN
         RAISE EXCEPTION 'Step % of % failed', i, p_steps
           USING DETAIL = format('Tag %s', p_tag), HINT = 'Run it with another p_fail_at.';
       END IF;
       RAISE NOTICE 'step % begins', i;
       PERFORM pg_sleep(p_step_seconds);
       INSERT INTO ${s}.bench_procedure_log (run, step) VALUES (p_tag, i);
       steps_done := i;
       CALL onward.progress(i * 100.0 / p_steps, format('Step %s of %s', i, p_steps));
     END LOOP;
   END $$`,
];

@Injectable()
export class BenchProcedures implements OnModuleInit {
  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.database.type !== 'postgres') return;
    const schema = `"${this.config.database.schema ?? 'public'}"`;
    // One process at a time: CREATE OR REPLACE of one procedure from two processes at once fails.
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(7260714)');
      for (const sql of PROCEDURES(schema)) await manager.query(sql);
    });
  }
}

/** A procedure that does nothing: the bench's overhead of a procedure task. */
export const benchProcedureNoopTask = procedureTask({
  id: 'bench-procedure-noop',
  title: 'Benchmark procedure no-op',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [],
  displayParameters: [],
  procedure: 'bench_procedure_noop',
});

/** Progress every `interval_seconds`, its message the time it was raised: the bench's NOTICE latency. */
export const benchProcedureClockTask = procedureTask({
  id: 'bench-procedure-clock',
  title: 'Benchmark procedure clock',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [
    { name: 'ticks', label: 'Ticks', type: 'integer', required: true, min: 1, max: 100_000 },
    { name: 'interval_seconds', label: 'Seconds between ticks', type: 'number', required: true, min: 0, max: 60 },
  ],
  displayParameters: [],
  procedure: 'bench_procedure_clock',
});

/** The parameters of `bench_procedure_steps` that both of its tasks take. */
const STEPS_PARAMETERS: ParameterDefinition[] = [
  { name: 'steps', label: 'Steps', type: 'integer', required: true, min: 1, max: 10_000 },
  { name: 'step_seconds', label: 'Seconds per step', type: 'number', required: true, min: 0, max: 3600 },
  { name: 'tag', label: 'Tag', type: 'string', required: false },
];

/** `steps` steps of `stepSeconds` in SQL, with progress, a NOTICE per step, and an optional failure. */
export const benchProcedureStepsTask = procedureTask({
  id: 'bench-procedure-steps',
  title: 'Benchmark procedure steps',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [
    ...STEPS_PARAMETERS,
    { name: 'fail_at', label: 'Fail at step', type: 'integer', required: false, min: 0 },
  ],
  displayParameters: ['tag'],
  procedure: 'bench_procedure_steps',
});

/** The same procedure with a time limit of 1 s. */
export const benchProcedureTimeoutTask = procedureTask({
  id: 'bench-procedure-timeout',
  title: 'Benchmark procedure with a time limit',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: STEPS_PARAMETERS,
  displayParameters: ['tag'],
  procedure: 'bench_procedure_steps',
  timeoutSeconds: 1,
});

/** The same procedure, run again on another worker when its worker dies. */
export const benchProcedureRetriedTask = procedureTask({
  id: 'bench-procedure-retried',
  title: 'Benchmark procedure run again after a crash',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: STEPS_PARAMETERS,
  displayParameters: ['tag'],
  procedure: 'bench_procedure_steps',
  retryOnCrash: true,
});
