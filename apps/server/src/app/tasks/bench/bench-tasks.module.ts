import { Module } from '@nestjs/common';

import { UploadsModule } from '../../uploads/uploads.module';
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
import { BenchUploadDigestTask } from './bench-upload-digest.task';

/**
 * Tasks for `bench/` and the crash tests only; AppModule imports this module when
 * `ONWARD_BENCH_TASKS=true`, so users' catalogues never list them by default.
 */
@Module({
  imports: [ProceduresModule, UploadsModule],
  providers: [
    BenchNoopTask,
    BenchPauseTask,
    BenchSilentTask,
    BenchFileTask,
    BenchStubbornTask,
    BenchStubbornRetryTask,
    BenchUploadDigestTask,
    BenchProcedures,
    benchProcedureNoopTask,
    benchProcedureClockTask,
    benchProcedureStepsTask,
    benchProcedureRetriedTask,
    benchProcedureTimeoutTask,
  ],
})
export class BenchTasksModule {}
