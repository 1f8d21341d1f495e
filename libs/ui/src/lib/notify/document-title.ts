import { DOCUMENT } from '@angular/common';
import { DestroyRef, effect, inject, Injectable, Injector } from '@angular/core';
import { Title } from '@angular/platform-browser';

import { MonitorClient } from '../client/monitor-client';
import { ONWARD_MONITOR_CONFIG } from '../client/monitor-config';

const TITLE_PREFIX = /^\(\d+\)\s/;
/** Pixel size of the badged favicon (browsers scale it to the tab's 16 px). */
const SIZE = 32;

/**
 * The browser tab shows the running count, when the host opts in (`documentTitle: true`): "(2)" in
 * front of the page title and a badge drawn over the page's favicon, both gone when nothing runs.
 * The host may change its title at any time; the count goes back in front of the new one.
 */
@Injectable({ providedIn: 'root' })
export class DocumentTitle {
  private readonly client = inject(MonitorClient);
  private readonly config = inject(ONWARD_MONITOR_CONFIG);
  private readonly title = inject(Title);
  private readonly document = inject(DOCUMENT);
  private readonly destroyRef = inject(DestroyRef);
  private readonly injector = inject(Injector);
  private started = false;
  private count = 0;
  /** The page's own favicon link and address, kept to restore them; null until the first badge. */
  private favicon: { link: HTMLLinkElement; href: string | null; added: boolean } | null = null;
  private base: Promise<HTMLImageElement | null> | null = null;
  /** Grows with every badge drawn, so that a slow image load never overwrites a newer badge. */
  private drawn = 0;

  /** Starts following the running count (idempotent; nothing unless the host opted in). */
  start(): void {
    if (this.started || !this.config.documentTitle) return;
    this.started = true;
    effect(
      () => {
        this.count = this.client.runningCount();
        this.showCount();
        void this.showBadge();
      },
      { injector: this.injector },
    );
    this.followTitleChanges();
    this.destroyRef.onDestroy(() => this.restoreFavicon());
  }

  private showCount(): void {
    const current = this.title.getTitle();
    const base = current.replace(TITLE_PREFIX, '');
    const wanted = this.count > 0 ? `(${this.count}) ${base}` : base;
    // Only write on a difference: the title observer below would otherwise loop.
    if (wanted !== current) this.title.setTitle(wanted);
  }

  /** The host (e.g. its router) may set a new title at any time; put the count back in front of it. */
  private followTitleChanges(): void {
    if (typeof MutationObserver === 'undefined') return;
    const observer = new MutationObserver(() => this.showCount());
    observer.observe(this.document.head, { subtree: true, childList: true, characterData: true });
    this.destroyRef.onDestroy(() => observer.disconnect());
  }

  private async showBadge(): Promise<void> {
    const turn = ++this.drawn;
    if (this.count === 0) {
      this.restoreFavicon();
      return;
    }
    const canvas = this.document.createElement('canvas');
    canvas.width = canvas.height = SIZE;
    const context = canvasContext(canvas);
    if (!context) return;
    const favicon = this.pageFavicon();
    const base = await this.baseImage(favicon.href);
    if (turn !== this.drawn) return;
    if (base) context.drawImage(base, 0, 0, SIZE, SIZE);
    drawBadge(context, this.count > 9 ? '9+' : String(this.count));
    favicon.link.href = canvas.toDataURL('image/png');
  }

  /** The page's `<link rel="icon">` as it was before any badge (one is added when the page has none). */
  private pageFavicon(): { link: HTMLLinkElement; href: string | null; added: boolean } {
    if (this.favicon) return this.favicon;
    const found = this.document.head.querySelector<HTMLLinkElement>('link[rel~="icon"]');
    if (found) {
      this.favicon = { link: found, href: found.href || null, added: false };
    } else {
      const link = this.document.createElement('link');
      link.rel = 'icon';
      this.document.head.appendChild(link);
      this.favicon = { link, href: null, added: true };
    }
    return this.favicon;
  }

  /** The page's own favicon as an image (read once); null when there is none or it cannot be drawn. */
  private baseImage(href: string | null): Promise<HTMLImageElement | null> {
    if (!href) return Promise.resolve(null);
    this.base ??= new Promise((resolve) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = () => resolve(null);
      image.src = href;
    });
    return this.base;
  }

  private restoreFavicon(): void {
    const favicon = this.favicon;
    if (!favicon) return;
    this.favicon = null;
    if (favicon.added) favicon.link.remove();
    else if (favicon.href) favicon.link.href = favicon.href;
    else favicon.link.removeAttribute('href');
  }
}

function canvasContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  try {
    return canvas.getContext('2d');
  } catch {
    // A browser (or test DOM) without canvas: the title alone carries the count.
    return null;
  }
}

/** A filled dot in the lower right corner with the count in it, ringed in white to stand off any icon. */
function drawBadge(context: CanvasRenderingContext2D, text: string): void {
  const radius = 10;
  const x = SIZE - radius - 1;
  const y = SIZE - radius - 1;
  context.beginPath();
  context.arc(x, y, radius, 0, 2 * Math.PI);
  context.fillStyle = '#b3261e';
  context.fill();
  context.lineWidth = 2;
  context.strokeStyle = '#ffffff';
  context.stroke();
  context.fillStyle = '#ffffff';
  context.font = `bold ${text.length > 1 ? 11 : 14}px sans-serif`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillText(text, x, y + 1);
}
