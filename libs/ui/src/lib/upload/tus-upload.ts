import { InjectionToken } from '@angular/core';
import { type PreviousUpload, Upload, type UploadOptions } from 'tus-js-client';

/** The part of tus-js-client's `Upload` that the widget drives. */
export interface TusUpload {
  /** The upload's URL once the server created it (or a previous upload was resumed). */
  readonly url: string | null;
  start(): void;
  abort(shouldTerminate?: boolean): Promise<void>;
  findPreviousUploads(): Promise<PreviousUpload[]>;
  resumeFromPreviousUpload(previous: PreviousUpload): void;
}

/** Makes one tus upload of a file; tests substitute their own. */
export type TusUploadFactory = (file: File, options: UploadOptions) => TusUpload;

/** DI token of the tus upload factory: tus-js-client's `Upload` unless a test or host provides another. */
export const TUS_UPLOAD = new InjectionToken<TusUploadFactory>('TUS_UPLOAD', {
  providedIn: 'root',
  factory: () => (file, options) => new Upload(file, options),
});

export type { PreviousUpload, UploadOptions };
