import { Module } from '@nestjs/common';

import { BenchNoopTask } from './bench-noop.task';

/**
 * Tasks for `bench/` only; AppModule imports this module when `ONWARD_BENCH_TASKS=true`, so users'
 * catalogues never list them by default.
 */
@Module({ providers: [BenchNoopTask] })
export class BenchTasksModule {}
