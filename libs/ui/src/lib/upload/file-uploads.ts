import { DOCUMENT } from '@angular/common';
import { DestroyRef, inject, Injectable } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { DetailedError } from 'tus-js-client';

import { MonitorClient } from '../client/monitor-client';
import { ONWARD_MONITOR_CONFIG } from '../client/monitor-config';
import { TransferRate } from './transfer-rate';
import { TUS_UPLOAD } from './tus-upload';
import { type UploadTransfer, UploadTransfers } from './upload-transfers';

/** Size of one PATCH: large enough for few requests, small enough that a dropped one loses little. */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;
/** Waits before the retries of a failed request (tus-js-client resumes from the server's offset). */
export const UPLOAD_RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000];
/** How often the progress of one upload updates the view at most. */
const PROGRESS_EVERY_MS = 250;

/**
 * Which failed requests are tried again (`status` 0: no answer at all). Offline, none: the upload
 * waits for the browser's `online` event instead of spending its retries.
 */
export function retryUpload(status: number, attempt: number, online: boolean): boolean {
  if (!online) return false;
  if (status === 0 || status >= 500) return true;
  // A conflict or lock clears by itself; a refused token may have been renewed since (read per request).
  if (status === 409 || status === 423) return true;
  return status === 401 && attempt === 0;
}

/** Why an upload ended without its file on the server: cancelled here, or failed. */
export class UploadStopped extends Error {
  constructor(
    readonly reason: 'aborted' | 'failed',
    readonly status: number | null = null,
    options?: ErrorOptions,
  ) {
    super(
      reason === 'aborted'
        ? $localize`:@@onward.upload.cancelled:The upload was cancelled`
        : $localize`:@@onward.upload.stopped:The upload failed`,
      options,
    );
    this.name = 'UploadStopped';
  }
}

/**
 * Uploads files with tus-js-client to the server's `/api/uploads` (tus 1.0): chunks, retries after
 * dropped connections, waits while the browser is offline, and resumes an upload that a reload cut
 * off when the same file is chosen again (tus-js-client's fingerprint in its URL storage). Each
 * upload is a run of kind `upload` with the same id; this window also knows its bytes and speed.
 */
@Injectable({ providedIn: 'root' })
export class FileUploads {
  private readonly config = inject(ONWARD_MONITOR_CONFIG);
  private readonly createUpload = inject(TUS_UPLOAD);
  private readonly document = inject(DOCUMENT);
  private readonly transfers = inject(UploadTransfers);

  constructor() {
    // Cancelled or failed elsewhere (another window, an administrator, the server's idle limit): stop sending.
    inject(MonitorClient)
      .finished$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((run) => {
        if (run.kind === 'upload' && run.status !== 'completed') this.abort(run.id);
      });
  }

  /** This window's view of an upload run (a signal read), if it sends or sent it. */
  transfer(id: string): UploadTransfer | undefined {
    return this.transfers.get(id);
  }

  /** Whether this window is sending the upload run's bytes now. */
  isUploading(id: string): boolean {
    return this.transfers.isUploading(id);
  }

  /**
   * Uploads `file`; resolves with its upload run's id once every byte is in, rejects with
   * `UploadStopped` when it is aborted or fails.
   */
  upload(file: File): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const win = this.document.defaultView;
      const online = () => win?.navigator.onLine !== false;
      const rate = new TransferRate();
      let id: string | null = null;
      let lastShown = 0;
      let waiting: (() => void) | null = null;
      let settled = false;

      const show = (change: Partial<UploadTransfer>) => {
        if (id !== null) this.transfers.update(id, change, initial(file));
      };
      const settle = (error: UploadStopped | null) => {
        if (settled) return;
        settled = true;
        if (waiting) win?.removeEventListener('online', waiting);
        if (id !== null) this.transfers.finished(id);
        if (error === null && id !== null) resolve(id);
        else reject(error ?? new UploadStopped('failed'));
      };

      const upload = this.createUpload(file, {
        endpoint: this.endpoint(),
        chunkSize: UPLOAD_CHUNK_BYTES,
        retryDelays: UPLOAD_RETRY_DELAYS_MS,
        metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
        // A finished upload is not resumed: choosing the file again uploads it again.
        removeFingerprintOnSuccess: true,
        // The token is read per request (it may be renewed during a long upload), and never put in a URL.
        onBeforeRequest: (req) => {
          const token = this.config.token();
          if (token) req.setHeader('Authorization', `Bearer ${token}`);
        },
        onShouldRetry: (error: DetailedError, attempt: number) =>
          retryUpload(error.originalResponse?.getStatus() ?? 0, attempt, online()),
        onUploadUrlAvailable: () => {
          if (id !== null || !upload.url) return;
          id = uploadId(upload.url);
          this.transfers.sending(id, () => {
            void upload.abort(false).catch(() => undefined);
            if (id !== null) this.transfers.delete(id);
            settle(new UploadStopped('aborted'));
          });
          show({ bytesTotal: file.size });
        },
        onProgress: (sent, total) => {
          const now = Date.now();
          rate.add(now, sent);
          if (now - lastShown < PROGRESS_EVERY_MS && sent < total) return;
          lastShown = now;
          show({
            bytesSent: sent,
            bytesTotal: total,
            rate: rate.bytesPerSecond(),
            remainingMs: rate.remainingMs(total),
            state: 'uploading',
          });
        },
        onSuccess: () => {
          show({ bytesSent: file.size, state: 'done', rate: null, remainingMs: null });
          settle(null);
        },
        onError: (error) => {
          if (settled) return;
          if (!online() && win) {
            // tus-js-client gives up at once while offline; carry on from the server's offset when back.
            rate.reset();
            show({ state: 'offline', rate: null, remainingMs: null });
            waiting = () => {
              waiting = null;
              show({ state: 'uploading' });
              upload.start();
            };
            win.addEventListener('online', waiting, { once: true });
            return;
          }
          const status = (error as Partial<DetailedError>).originalResponse?.getStatus() ?? null;
          if (id !== null) this.transfers.delete(id);
          settle(new UploadStopped('failed', status, { cause: error }));
        },
      });

      upload
        .findPreviousUploads()
        .then((previous) => {
          // The same file chosen again after a reload: go on where the server's copy ends.
          if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
          upload.start();
        })
        .catch((error: unknown) => settle(new UploadStopped('failed', null, { cause: error })));
    });
  }

  /** Stops sending an upload of this window (cancel, delete); true when there was one. */
  abort(id: string): boolean {
    return this.transfers.abort(id);
  }

  /** Notes the run that the uploaded file was handed to (its entry says so). */
  handOver(id: string, run: { id: string; title: string }): void {
    this.transfers.handOver(id, run);
  }

  /** tus-js-client resolves the server's Location against the endpoint, so it must be absolute. */
  private endpoint(): string {
    return new URL(`${this.config.baseUrl}/api/uploads`, this.document.baseURI).href;
  }
}

function initial(file: File): UploadTransfer {
  return {
    fileName: file.name,
    bytesSent: 0,
    bytesTotal: file.size,
    rate: null,
    remainingMs: null,
    state: 'uploading',
    handedTo: null,
  };
}

/** The run id in an upload URL (`…/api/uploads/:id`). */
export function uploadId(url: string): string {
  const last =
    new URL(url).pathname
      .split('/')
      .filter((part) => part !== '')
      .at(-1) ?? '';
  return decodeURIComponent(last);
}
