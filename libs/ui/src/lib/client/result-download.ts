import { DOCUMENT } from '@angular/common';
import { inject, Injectable } from '@angular/core';
import type { RunView } from '@onward/task-domain';

/** How long a download's object URL lives: some browsers start reading the blob only after click() returns. */
const REVOKE_AFTER_MS = 60_000;

/** Hands a fetched result to the browser as a download (the DOM part of "Download"). */
@Injectable({ providedIn: 'root' })
export class ResultDownload {
  private readonly document = inject(DOCUMENT);

  /** The file name of a run's result: the server's, or one made of task and id for a value. */
  fileName(run: RunView): string {
    return run.result?.type === 'file' ? run.result.fileName : `${run.task}-${run.id}`;
  }

  /** Saves `blob` under `name` through a temporary link. */
  save(blob: Blob, name: string): void {
    const url = URL.createObjectURL(blob);
    const link = this.document.createElement('a');
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    this.document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}
