import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { PersistenceModule } from '../persistence/persistence.module';
import { ResultsModule } from '../results/results.module';
import { BuiltinTasksModule } from './builtin/builtin-tasks.module';
import { ResultFileUploadReader, UploadedFileReader } from './builtin/uploaded-file.reader';
import { TaskRegistry } from './task-registry.service';
import { TasksController } from './tasks.controller';

/** The catalogue and the built-in tasks; add your own task modules to `imports`. */
@Global()
@Module({
  imports: [DiscoveryModule, PersistenceModule, ResultsModule, BuiltinTasksModule],
  controllers: [TasksController],
  providers: [TaskRegistry, { provide: UploadedFileReader, useClass: ResultFileUploadReader }],
  exports: [TaskRegistry, UploadedFileReader],
})
export class TasksModule {}
