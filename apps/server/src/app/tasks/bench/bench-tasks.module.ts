import { Module } from '@nestjs/common';

import { BenchFileTask } from './bench-file.task';
import { BenchNoopTask } from './bench-noop.task';

/**
 * Tasks for `bench/` only; AppModule imports this module when `ONWARD_BENCH_TASKS=true`, so users'
 * catalogues never list them by default.
 */
@Module({ providers: [BenchNoopTask, BenchFileTask] })
export class BenchTasksModule {}
