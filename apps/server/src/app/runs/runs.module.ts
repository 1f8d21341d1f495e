import { Module } from '@nestjs/common';

import { EngineModule } from '../engine/engine.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { ResultsModule } from '../results/results.module';
import { UploadsModule } from '../uploads/uploads.module';
import { AdminRunsController } from './admin-runs.controller';
import { RunsController } from './runs.controller';
import { RunResults } from './run-results.service';
import { RunRerunner } from './run-rerunner.service';
import { RunStarter } from './run-starter.service';
import { RunsService } from './runs.service';

/** The runs API over HTTP: what users and admins do with runs. */
@Module({
  imports: [EngineModule, PersistenceModule, ResultsModule, UploadsModule],
  controllers: [RunsController, AdminRunsController],
  providers: [RunsService, RunStarter, RunRerunner, RunResults],
  exports: [EngineModule],
})
export class RunsModule {}
