import { Module } from '@nestjs/common';

import { ProceduresModule } from '../procedures/procedures.module';

import { BenchFileTask } from './bench-file.task';
import { BenchNoopTask } from './bench-noop.task';
import { BenchPauseTask, BenchSilentTask } from './bench-pause.task';
import {
  benchProcedureClockTask,
  benchProcedureNoopTask,
  BenchProcedures,
  benchProcedureStepsTask,
  benchProcedureRetriedTask,
  benchProcedureTimeoutTask,
} from './bench-procedures';
import { BenchStubbornRetryTask, BenchStubbornTask } from './bench-stubborn.task';

/**
 * Tasks for `bench/` and the crash tests only; AppModule imports this module when
 * `ONWARD_BENCH_TASKS=true`, so users' catalogues never list them by default.
 */
@Module({
  imports: [ProceduresModule],
  providers: [
    BenchNoopTask,
    BenchPauseTask,
    BenchSilentTask,
    BenchFileTask,
    BenchStubbornTask,
    BenchStubbornRetryTask,
    BenchProcedures,
    benchProcedureNoopTask,
    benchProcedureClockTask,
    benchProcedureStepsTask,
    benchProcedureRetriedTask,
    benchProcedureTimeoutTask,
  ],
})
export class BenchTasksModule {}
