import { Injectable, signal } from '@angular/core';

import type { TransferProgress } from './transfer-text';

/** An upload of this window, as its entry shows it. */
export interface UploadTransfer extends TransferProgress {
  fileName: string;
  /** The run started with the uploaded file, once it was handed over. */
  handedTo: { id: string; title: string } | null;
}

/**
 * What this window knows of its uploads, by run id: their progress and how to stop those still
 * under way. Has no dependencies, so entries and actions can read it in any host (FileUploads,
 * which needs the server's address and tus-js-client, writes it).
 */
@Injectable({ providedIn: 'root' })
export class UploadTransfers {
  private readonly state = signal<ReadonlyMap<string, UploadTransfer>>(new Map());
  private readonly stops = new Map<string, () => void>();

  /** Every upload of this window: those under way and the finished ones. */
  readonly all = this.state.asReadonly();

  /** One upload (a signal read). */
  get(id: string): UploadTransfer | undefined {
    return this.state().get(id);
  }

  /** Changes what is shown of an upload (`initial` when it is new). */
  update(id: string, change: Partial<UploadTransfer>, initial: UploadTransfer): void {
    this.state.update((all) => new Map(all).set(id, { ...(all.get(id) ?? initial), ...change }));
  }

  /** Forgets an upload (it failed or was aborted: its entry then shows the server's view). */
  delete(id: string): void {
    if (!this.state().has(id)) return;
    this.state.update((all) => {
      const next = new Map(all);
      next.delete(id);
      return next;
    });
  }

  /** Notes how to stop an upload under way; `finished` once it is not under way any more. */
  sending(id: string, stop: () => void): void {
    this.stops.set(id, stop);
  }

  finished(id: string): void {
    this.stops.delete(id);
  }

  /** Whether this window is sending the upload's bytes now. */
  isUploading(id: string): boolean {
    return this.stops.has(id);
  }

  /** Stops an upload of this window (cancel, delete); true when there was one. */
  abort(id: string): boolean {
    const stop = this.stops.get(id);
    if (!stop) return false;
    stop();
    return true;
  }

  /** Notes the run that the uploaded file was handed to (its entry says so). */
  handOver(id: string, run: { id: string; title: string }): void {
    const held = this.get(id);
    if (held) this.update(id, { handedTo: { id: run.id, title: run.title } }, held);
  }
}
