import { DOCUMENT } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  Injector,
  input,
  NgZone,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatTooltipModule } from '@angular/material/tooltip';

import { MonitorClient } from '../client/monitor-client';
import { ONWARD_MONITOR_CONFIG } from '../client/monitor-config';
import { RunLauncher } from '../launch/run-launcher';
import { ToastList } from '../notify/toast-list';
import { OnwardIcon } from '../shared/icon';
import { OnwardFileDrop } from '../upload/file-drop';
import { MonitorView } from '../view/monitor-view';
import { MonitorPanelState } from './monitor-panel-state';
import {
  type GestureKind,
  PanelGeometry,
  PanelGesture,
  type PanelRect,
  type ResizeHandle,
  type Viewport,
} from './panel-geometry';

const HANDLES: readonly ResizeHandle[] = ['n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw'];
const KEY_STEP = 16;
/** Height of the title bar, all that a minimised panel shows. */
const TITLE_HEIGHT = 48;

/**
 * The floating "Running tasks" window: drag it by its title bar, resize it from any edge or
 * corner, minimise it, pop it out. Place it once in the host's root template; the toolbar
 * button opens and closes it. Files dropped on it are uploaded, and handed to `importTask` when
 * the host names one (`<onward-monitor-panel importTask="import-orders" />`).
 */
@Component({
  selector: 'onward-monitor-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatTooltipModule, MonitorView, OnwardFileDrop, OnwardIcon, ToastList],
  templateUrl: './monitor-panel.html',
  styleUrl: './monitor-panel.scss',
})
export class MonitorPanel {
  private readonly client = inject(MonitorClient);
  private readonly config = inject(ONWARD_MONITOR_CONFIG);
  private readonly zone = inject(NgZone);
  private readonly document = inject(DOCUMENT);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly state = inject(MonitorPanelState);
  private readonly geometry = new PanelGeometry();
  private gesture: PanelGesture | null = null;
  private live: PanelRect | null = null;

  private readonly launcher = inject(RunLauncher);

  /** The catalogue task that takes a dropped file (its `file` parameter); none: a drop only uploads. */
  readonly importTask = input<string | null>(null);

  protected readonly handles = HANDLES;
  protected readonly runningCount = this.client.runningCount;
  /** The rect in use: the remembered one, fitted to the viewport, or the default place. */
  private readonly viewportSize = signal(this.viewport());
  protected readonly rect = computed(() => this.geometry.place(this.state.rect(), this.viewportSize()));
  /** On a phone-sized viewport the panel is a full-height sheet, neither dragged nor resized. */
  protected readonly sheet = computed(() => this.geometry.isSheet(this.viewportSize()));
  /** The words of the title bar's bound attributes, read once the locale is loaded. */
  protected readonly texts = {
    draggable: $localize`:@@onward.panel.draggable:draggable title bar`,
    restore: $localize`:@@onward.panel.restore:Restore`,
    minimise: $localize`:@@onward.panel.minimise:Minimise`,
    restoreLabel: $localize`:@@onward.panel.restoreLabel:Restore the panel`,
    minimiseLabel: $localize`:@@onward.panel.minimiseLabel:Minimise the panel`,
  };
  protected readonly titleLabel = computed(() =>
    this.sheet()
      ? $localize`:@@onwardPanelTitleSheet:Running tasks panel`
      : $localize`:@@onwardPanelTitleFloating:Running tasks panel. Arrow keys move it, Shift and arrow keys resize it.`,
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    const injector = inject(Injector);
    // Toasts keep clear of the panel: they read where it is (null while it is closed).
    effect(() => {
      const open = this.state.open();
      const sheet = this.sheet();
      const rect = this.rect();
      const minimized = this.state.minimized();
      // Minimised, only the title bar is there: at the top of the panel's place, or at the foot of a sheet.
      const shown = !minimized
        ? rect
        : { ...rect, y: sheet ? rect.y + rect.height - TITLE_HEIGHT : rect.y, height: TITLE_HEIGHT };
      this.state.placement.set(open ? { rect: shown, sheet } : null);
    });
    effect(() => {
      if (this.state.focusRequest()?.target !== 'panel') return;
      afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>('.titlebar')?.focus(), { injector });
    });
    afterNextRender(() => {
      // Window and pointer listeners live outside Angular's zone (if the host has one):
      // a drag must not run change detection on every pointer move.
      this.zone.runOutsideAngular(() => {
        const win = this.document.defaultView;
        if (!win) return;
        // The stored rect stays as the user left it; only its fitted copy follows the window.
        const onResize = () => this.viewportSize.set(this.viewport());
        win.addEventListener('resize', onResize);
        destroyRef.onDestroy(() => win.removeEventListener('resize', onResize));
      });
    });
  }

  /** Starts a move (title bar) or resize (handle) gesture. */
  protected startGesture(event: PointerEvent, kind: GestureKind): void {
    if (event.button !== 0 || this.sheet()) return;
    if (kind === 'move' && (event.target as HTMLElement).closest('button')) return;
    event.preventDefault();
    const el = this.host.nativeElement.querySelector<HTMLElement>('.panel');
    if (!el) return;
    this.gesture = new PanelGesture(this.geometry, kind, this.rect(), event.clientX, event.clientY);
    this.live = this.rect();
    const target = event.target as HTMLElement;
    target.setPointerCapture?.(event.pointerId);
    el.classList.add('dragging');
    // A drag that leaves the panel (or the window) must not select the page's text on the way.
    const release = suppressSelection(this.document);
    this.zone.runOutsideAngular(() => {
      const move = (e: PointerEvent) => {
        if (!this.gesture) return;
        this.live = this.gesture.update(e.clientX, e.clientY, this.viewport());
        // Write the style directly while dragging; the state is updated once, at the end.
        applyRect(el, this.live);
      };
      const end = () => {
        target.removeEventListener('pointermove', move);
        target.removeEventListener('pointerup', end);
        target.removeEventListener('pointercancel', end);
        el.classList.remove('dragging');
        release();
        const final = this.live;
        this.gesture = null;
        this.live = null;
        if (final) this.zone.run(() => this.state.setRect(final));
      };
      target.addEventListener('pointermove', move);
      target.addEventListener('pointerup', end);
      target.addEventListener('pointercancel', end);
    });
  }

  /** Arrow keys on the title bar move the panel; with Shift they resize it. */
  protected onTitleKey(event: KeyboardEvent): void {
    const delta: Record<string, [number, number]> = {
      ArrowLeft: [-KEY_STEP, 0],
      ArrowRight: [KEY_STEP, 0],
      ArrowUp: [0, -KEY_STEP],
      ArrowDown: [0, KEY_STEP],
    };
    const d = delta[event.key];
    if (!d || this.sheet()) return;
    event.preventDefault();
    const rect = this.rect();
    const next = event.shiftKey
      ? this.geometry.resize(rect, 'se', d[0], d[1], this.viewport())
      : this.geometry.move(rect, d[0], d[1], this.viewport());
    this.state.setRect(next);
  }

  /** Uploads each dropped file, then starts the import task with it when the host configured one. */
  protected dropped(files: File[]): void {
    const task = this.importTask();
    for (const file of files) void this.launcher.upload(file, task ? { task } : {});
  }

  protected dropHint(): string {
    return this.importTask()
      ? $localize`:@@onward.drop.import:Drop files here to import them`
      : $localize`:@@onward.drop.upload:Drop files here to upload them`;
  }

  protected popOut(): void {
    const win = this.document.defaultView;
    const rect = this.rect();
    // No "noopener": the pop-out needs this window's sessionStorage copy to find the login.
    const opened = win?.open(
      this.config.popoutUrl,
      'onward-monitor',
      `popup,width=${rect.width},height=${rect.height}`,
    );
    if (opened) this.state.setOpen(false);
  }

  private viewport(): Viewport {
    const win = this.document.defaultView;
    return {
      width: win?.innerWidth ?? 1024,
      height: win?.innerHeight ?? 768,
    };
  }
}

function applyRect(el: HTMLElement, rect: PanelRect): void {
  el.style.left = `${rect.x}px`;
  el.style.top = `${rect.y}px`;
  el.style.width = `${rect.width}px`;
  el.style.height = `${rect.height}px`;
}

/** Turns text selection off on the whole document; the returned function restores what was there. */
function suppressSelection(document: Document): () => void {
  const style = document.documentElement.style;
  const before = style.userSelect;
  style.userSelect = 'none';
  document.getSelection()?.removeAllRanges();
  return () => {
    style.userSelect = before;
  };
}
