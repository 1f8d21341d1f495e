import { Module } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { Internals } from '../internals/internals.service';
import { PostgresRunWriter } from './postgres-run-writer';

import { RunDeletionEntity } from './run-deletion.entity';
import { RunDeletionsRepository } from './run-deletions.repository';
import { RunEntity } from './run.entity';
import { RunWriter } from './run-writer';
import { RunsRepository } from './runs.repository';
import { SqliteRunWriter } from './sqlite-run-writer';
import { QueuePlaces } from './queue-places';
import { RunViews } from './run-views';
import { TaskDurationEntity } from './task-duration.entity';
import { TaskDurations } from './task-durations';

/** The hot-path writer of the configured database. */
const runWriter = {
  provide: RunWriter,
  inject: [getRepositoryToken(RunEntity), Internals],
  useFactory: (runs: Repository<RunEntity>, internals: Internals): RunWriter =>
    runs.manager.connection.options.type === 'postgres'
      ? new PostgresRunWriter(runs)
      : new SqliteRunWriter(runs, internals),
};

/** The runs table: its reads, its hot-path writer and its deletions; the only place that knows SQL for runs. */
@Module({
  imports: [TypeOrmModule.forFeature([RunEntity, RunDeletionEntity, TaskDurationEntity])],
  providers: [RunsRepository, runWriter, RunDeletionsRepository, TaskDurations, QueuePlaces, RunViews],
  exports: [RunsRepository, RunWriter, RunDeletionsRepository, TaskDurations, QueuePlaces, RunViews],
})
export class PersistenceModule {}
