import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { EngineModule } from '../engine/engine.module';
import { ResultsModule } from '../results/results.module';
import { UploadEntity } from './upload.entity';
import { UploadExpirySweeper } from './upload-expiry.sweeper';
import { UploadedFileReader } from '../tasks/builtin/uploaded-file.reader';
import { UploadFiles } from './upload-files';
import { UploadProtocol } from './upload-protocol.service';
import { UploadsController } from './uploads.controller';
import { UploadsRepository } from './uploads.repository';
import { UploadsService } from './uploads.service';

/**
 * Uploads (tus) as runs of kind `upload`. Exports `UploadsService` (cancel, for the runs API) and
 * `UploadFiles` (the file behind a `file` parameter, for task handlers and the start check).
 */
// Global: task handlers anywhere read uploads through the UploadedFileReader port.
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([UploadEntity]), EngineModule, ResultsModule],
  controllers: [UploadsController],
  providers: [
    UploadsRepository,
    UploadsService,
    UploadProtocol,
    UploadFiles,
    UploadExpirySweeper,
    { provide: UploadedFileReader, useExisting: UploadFiles },
  ],
  exports: [UploadsService, UploadFiles, UploadedFileReader],
})
export class UploadsModule {}
