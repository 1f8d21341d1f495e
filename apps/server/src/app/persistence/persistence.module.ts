import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { RunDeletionEntity } from './run-deletion.entity';
import { RunEntity } from './run.entity';
import { RunsRepository } from './runs.repository';

/** The runs table and its writers: the only place that knows SQL for runs. */
@Module({
  imports: [TypeOrmModule.forFeature([RunEntity, RunDeletionEntity])],
  providers: [RunsRepository],
  exports: [RunsRepository],
})
export class PersistenceModule {}
