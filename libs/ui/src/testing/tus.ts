import type { Provider } from '@angular/core';

import { type PreviousUpload, TUS_UPLOAD, type TusUpload, type UploadOptions } from '../lib/upload/tus-upload';

/** A tus upload that a test drives by hand, in place of tus-js-client's `Upload`. */
export class FakeTusUpload implements TusUpload {
  url: string | null = null;
  starts = 0;
  aborted: boolean[] = [];
  resumedFrom: PreviousUpload | null = null;
  /** What `findPreviousUploads` answers (a file chosen again after a reload). */
  previous: PreviousUpload[] = [];

  constructor(
    readonly file: File,
    readonly options: UploadOptions,
  ) {}

  start(): void {
    this.starts++;
  }
  abort(shouldTerminate = false): Promise<void> {
    this.aborted.push(shouldTerminate);
    return Promise.resolve();
  }
  findPreviousUploads(): Promise<PreviousUpload[]> {
    return Promise.resolve(this.previous);
  }
  resumeFromPreviousUpload(previous: PreviousUpload): void {
    this.resumedFrom = previous;
    this.url = previous.uploadUrl;
  }

  /** The server created the upload at `url` (POST answered 201). */
  created(url: string): void {
    this.url = url;
    this.options.onUploadUrlAvailable?.();
  }
  progress(sent: number, total = this.file.size): void {
    this.options.onProgress?.(sent, total);
  }
  succeed(): void {
    this.options.onSuccess?.({ lastResponse: response(204) });
  }
  /** The request failed for good (tus-js-client's retries are over): `status` 0 = no answer. */
  fail(status: number): void {
    this.options.onError?.(
      Object.assign(new Error(`tus: failed (${status})`), { originalResponse: status ? response(status) : null }),
    );
  }
  /** What headers the upload's next request would carry (onBeforeRequest). */
  async headersOfNextRequest(): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    const req = {
      setHeader: (name: string, value: string) => (headers[name] = value),
      getHeader: (name: string) => headers[name],
      getMethod: () => 'PATCH',
      getURL: () => this.url ?? '',
      setProgressHandler: () => undefined,
      send: () => Promise.resolve(response(204)),
      abort: () => Promise.resolve(),
      getUnderlyingObject: () => null,
    };
    await this.options.onBeforeRequest?.(req);
    return headers;
  }
}

function response(status: number) {
  return { getStatus: () => status, getHeader: () => undefined, getBody: () => '', getUnderlyingObject: () => null };
}

/** Records the uploads the widget makes; `provider` puts it in place of tus-js-client. */
export class FakeTus {
  readonly uploads: FakeTusUpload[] = [];
  /** Uploads made from now on find these previous uploads of their file. */
  previous: PreviousUpload[] = [];
  readonly provider: Provider = {
    provide: TUS_UPLOAD,
    useValue: (file: File, options: UploadOptions) => {
      const upload = new FakeTusUpload(file, options);
      upload.previous = this.previous;
      this.uploads.push(upload);
      return upload;
    },
  };

  get last(): FakeTusUpload {
    const upload = this.uploads.at(-1);
    if (!upload) throw new Error('no upload was made');
    return upload;
  }

  /** Waits (on promise turns) until an upload has started. */
  async started(): Promise<FakeTusUpload> {
    for (let turn = 0; turn < 50; turn++) {
      const upload = this.uploads.at(-1);
      if (upload && upload.starts > 0) return upload;
      await Promise.resolve();
    }
    throw new Error('no upload started');
  }
}
