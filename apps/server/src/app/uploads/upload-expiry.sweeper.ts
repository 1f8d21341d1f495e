import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { ONWARD_CONFIG } from '../config/config.module';
import type { OnwardConfig } from '../config/onward-config';
import { RunsRepository } from '../persistence/runs.repository';
import { PeriodicPass } from '../common/periodic-pass';
import { UPLOAD_KIND } from './upload-files';
import { UploadsRepository } from './uploads.repository';
import { UploadsService } from './uploads.service';

/**
 * `ONWARD_UPLOAD_EXPIRY`: an unfinished upload that received nothing for that long is cancelled and
 * its partial file removed; a cancel a process left half done (`cancelling`) is finished; records of
 * uploads that are no longer running go. In processes that take HTTP requests (uploads arrive there),
 * at start and every `uploadSweepMs`. Several processes may sweep at once: every step is guarded by
 * the run's status, so the second finds nothing left to do.
 */
@Injectable()
export class UploadExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Uploads');
  private readonly periodic = new PeriodicPass('Upload expiry sweep', () => this.pass(), this.logger);

  constructor(
    @Inject(ONWARD_CONFIG) private readonly config: OnwardConfig,
    private readonly runs: RunsRepository,
    private readonly records: UploadsRepository,
    private readonly uploads: UploadsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.role === 'worker') return;
    this.periodic.start(this.config.uploadSweepMs);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass; never overlapped, never rejects. */
  sweep(): Promise<void> {
    return this.periodic.run();
  }

  private async pass(): Promise<void> {
    const unfinished = await this.runs.findByKind(UPLOAD_KIND, ['running', 'cancelling']);
    const touched = await this.records.touchedAt(unfinished.map((run) => run.id));
    const cutoff = new Date(Date.now() - this.config.uploadExpiryMs).toISOString();
    let expired = 0;
    for (const run of unfinished) {
      // No record: its creation stopped half way; it counts from its start.
      const last = touched.get(run.id) ?? run.startedAt ?? run.createdAt;
      if (run.status === 'cancelling' || last < cutoff) {
        await this.uploads.expire(run);
        expired++;
      }
    }
    const live = new Set(unfinished.map((run) => run.id));
    for (const id of await this.records.ids()) if (!live.has(id)) await this.records.delete(id);
    if (expired > 0) this.logger.log(`Cancelled ${expired} uploads that received nothing for too long`);
  }
}
