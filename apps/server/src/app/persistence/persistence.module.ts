import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { RunDeletionEntity } from './run-deletion.entity';
import { RunDeletionsRepository } from './run-deletions.repository';
import { RunEntity } from './run.entity';
import { RunWriter } from './run-writer';
import { RunsRepository } from './runs.repository';

/** The runs table: its reads, its hot-path writer and its deletions; the only place that knows SQL for runs. */
@Module({
  imports: [TypeOrmModule.forFeature([RunEntity, RunDeletionEntity])],
  providers: [RunsRepository, RunWriter, RunDeletionsRepository],
  exports: [RunsRepository, RunWriter, RunDeletionsRepository],
})
export class PersistenceModule {}
