import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ResultsModule } from '../results/results.module';
import { AdminRunsController } from './admin-runs.controller';
import { RunEvents } from './run-events';
import { RetentionSweeper } from './retention-sweeper.service';
import { RunDeletionEntity } from './run-deletion.entity';
import { RunExecutor } from './run-executor.service';
import { RunStore } from './run-store.service';
import { RunWorker } from './run-worker.service';
import { RunEntity } from './run.entity';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';

@Module({
  imports: [TypeOrmModule.forFeature([RunEntity, RunDeletionEntity]), ResultsModule],
  controllers: [RunsController, AdminRunsController],
  providers: [RunsRepository, RunEvents, RunStore, RunsService, RunExecutor, RunWorker, RetentionSweeper],
  exports: [RunEvents, RunsRepository],
})
export class RunsModule {}
