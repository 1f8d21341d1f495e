import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, inject, signal, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { DomSanitizer, type SafeResourceUrl } from '@angular/platform-browser';
import type { RunView } from '@onward/task-domain';

import { MonitorClient } from '../client/monitor-client';
import { ResultDownload } from '../client/result-download';
import { OnwardIcon } from '../shared/icon';
import { runLabel } from '../shared/run-format';

/**
 * A PDF result shown inline, with Download and Print beside it. The file is fetched with the bearer
 * token (`?disposition=inline`) and framed through an object URL: the token never goes into a URL,
 * where logs and the browser's history would keep it.
 */
@Component({
  selector: 'onward-pdf-preview-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule, MatProgressBarModule, OnwardIcon],
  template: `
    <h2 mat-dialog-title>{{ label }}</h2>
    <mat-dialog-content class="content">
      @if (url(); as src) {
        <iframe #frame class="pdf" [src]="src" [title]="frameTitle"></iframe>
      } @else if (failure(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      } @else {
        <div class="loading" role="status">
          <span i18n="@@onward.preview.loading">Loading the preview…</span>
          <mat-progress-bar mode="indeterminate" aria-hidden="true" />
        </div>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [disabled]="!blob()" (click)="download()">
        <span class="btn"
          ><onward-icon name="download" /><ng-container i18n="@@onward.preview.download">Download</ng-container></span
        >
      </button>
      <button mat-button type="button" [disabled]="!url()" (click)="print()">
        <span class="btn"><ng-container i18n="@@onward.preview.print">Print</ng-container></span>
      </button>
      <button mat-flat-button type="button" mat-dialog-close cdkFocusInitial i18n="@@onward.preview.close">
        Close
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .content {
      max-height: none;
    }
    .pdf {
      display: block;
      width: 100%;
      height: min(70vh, 900px);
      border: 0;
      border-radius: 8px;
      background: var(--mat-sys-surface-container, #f3f3f3);
    }
    .loading {
      display: flex;
      flex-direction: column;
      gap: 12px;
      padding: 24px 0;
    }
    .error {
      color: var(--mat-sys-error, #b3261e);
    }
    .btn {
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
  `,
})
export class PdfPreviewDialog {
  private readonly run = inject<RunView>(MAT_DIALOG_DATA);
  private readonly client = inject(MonitorClient);
  private readonly downloads = inject(ResultDownload);
  private readonly sanitizer = inject(DomSanitizer);
  private readonly frame = viewChild<ElementRef<HTMLIFrameElement>>('frame');
  private objectUrl: string | null = null;

  protected readonly label = runLabel(this.run);
  protected readonly frameTitle = $localize`:@@onward.preview.frameTitle:Preview of ${this.label}:label:`;
  protected readonly blob = signal<Blob | null>(null);
  protected readonly url = signal<SafeResourceUrl | null>(null);
  protected readonly failure = signal<string | null>(null);

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
    });
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const fetched = await this.client.fetchResult(this.run.id, true);
      // The viewer needs the type on the Blob itself; some servers' answers reach here untyped.
      const pdf = fetched.type === 'application/pdf' ? fetched : new Blob([fetched], { type: 'application/pdf' });
      this.blob.set(pdf);
      this.objectUrl = URL.createObjectURL(pdf);
      // An object URL this dialog made from the server's own PDF: safe to frame.
      this.url.set(this.sanitizer.bypassSecurityTrustResourceUrl(this.objectUrl));
    } catch (error) {
      this.failure.set(
        $localize`:@@onward.preview.failed:The preview could not be loaded: ${this.client.describeError(error)}:reason:`,
      );
    }
  }

  protected download(): void {
    const blob = this.blob();
    if (blob) this.downloads.save(blob, this.downloads.fileName(this.run));
  }

  /** The browser's print dialog for the PDF itself, not for the page around it. */
  protected print(): void {
    const view = this.frame()?.nativeElement.contentWindow;
    view?.focus();
    view?.print();
  }
}
