import { LiveAnnouncer } from '@angular/cdk/a11y';
import { DOCUMENT } from '@angular/common';
import { ApplicationRef, DestroyRef, EnvironmentInjector, inject, Injectable } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { RunNotification, RunView } from '@onward/task-domain';

import { MonitorClient } from '../client/monitor-client';
import { ONWARD_MONITOR_CONFIG } from '../client/monitor-config';
import { MonitorPanelState } from '../panel/monitor-panel-state';
import { RunActions } from '../shared/run-actions';
import { plural } from '../shared/plural';
import { cancelledText, displayText, runLabel, statusLook } from '../shared/run-format';
import { attachToastList } from './toast-list';
import { type ToastOptions, ToastStack } from './toast-stack';

/**
 * Tells the user about starts and finishes: an in-app toast, a polite live-region message,
 * and a system notification while the page is hidden (if permitted). Started by `provideOnwardMonitor`
 * (the running count in the tab is `DocumentTitle`'s).
 */
@Injectable({ providedIn: 'root' })
export class MonitorNotifier {
  private readonly client = inject(MonitorClient);
  private readonly config = inject(ONWARD_MONITOR_CONFIG);
  private readonly toasts = inject(ToastStack);
  private readonly appRef = inject(ApplicationRef);
  private readonly injector = inject(EnvironmentInjector);
  private toastListAttached = false;
  private readonly announcer = inject(LiveAnnouncer);
  private readonly state = inject(MonitorPanelState);
  private readonly actions = inject(RunActions);
  private readonly document = inject(DOCUMENT);
  private readonly destroyRef = inject(DestroyRef);
  private readonly silenced = new Set<string>();
  private readonly announced = new Set<string>();
  private started = false;

  /** Subscribes to the client's notifications (idempotent). */
  start(): void {
    if (this.started || !this.config.notifications) return;
    this.started = true;
    this.client.notifications$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((n) => this.handle(n));
  }

  /** Leaves a run's notifications to someone else, e.g. the await-result dialog showing it. */
  silence(id: string): void {
    this.silenced.add(id);
  }

  /** Notifies about the run again. */
  unsilence(id: string): void {
    this.silenced.delete(id);
  }

  /** The toast for a run the user just sent to the background; its "started" toast is then skipped. */
  backgroundStarted(run: RunView, moved = false): void {
    this.announced.add(run.id);
    const label = runLabel(run);
    const text = moved
      ? $localize`:@@onward.toast.continuesInBackground:${label}:label: continues in the background`
      : $localize`:@@onward.toast.runsInBackground:${label}:label: runs in the background`;
    void this.announcer.announce(text, 'polite');
    this.showToast({
      text,
      action: actionLabel('show'),
      onAction: () => this.state.show(),
      duration: 5000,
      ...this.grouped('started'),
    });
  }

  /**
   * A toast with one action button (e.g. "Undo"), in the same stack as the run notices; resolves
   * true when the user took the action, false when the toast went without it.
   */
  toast(text: string, options: { action: string; durationMs: number }): Promise<boolean> {
    void this.announcer.announce(text, 'polite');
    return new Promise((resolve) =>
      this.showToast({
        text,
        action: options.action,
        duration: options.durationMs,
        onAction: () => resolve(true),
        onDismiss: () => resolve(false),
      }),
    );
  }

  private handle(n: RunNotification): void {
    if (this.silenced.has(n.id)) return;
    const run = this.client.run(n.id);
    const me = this.client.user();
    // Admins watching everyone get every user's events; only their own runs are news to them.
    if (run && me && run.owner.id !== me.id) return;
    // A foreground run starts in a dialog, so its start is news nowhere; its finish is, wherever
    // no dialog shows it (the window with the dialog has silenced it).
    if (run && run.mode === 'foreground' && n.event === 'started') return;
    if (n.event === 'started' && this.announced.has(n.id)) return;
    if (n.event === 'finished' && n.status === 'cancelled' && this.client.cancelledByUser(n.id)) return;

    const text = toastText(n, run);
    void this.announcer.announce(text, 'polite');

    const action: ToastAction =
      n.event === 'started' ? 'show' : n.status === 'completed' ? 'open' : n.status === 'failed' ? 'details' : 'show';
    this.showToast({
      text,
      action: actionLabel(action),
      onAction: () => void this.act(n, action),
      duration: n.event === 'started' ? 4000 : 8000,
      ...this.grouped(n.event),
    });

    if (n.event === 'finished') this.systemNotification(n, text);
  }

  private showToast(options: ToastOptions): void {
    if (!this.toastListAttached) {
      this.toastListAttached = true;
      attachToastList(this.appRef, this.injector, this.document);
    }
    this.toasts.show(options);
  }

  /** Several starts or finishes at once beyond what fits become one toast ("4 runs finished") that opens the panel. */
  private grouped(kind: 'started' | 'finished'): Pick<ToastOptions, 'kind' | 'group' | 'groupAction'> {
    return {
      kind,
      group: (count) =>
        kind === 'started'
          ? plural(count, {
              one: $localize`:@@onwardToastGroupStartedOne:# run started`,
              other: $localize`:@@onwardToastGroupStarted:# runs started`,
            })
          : plural(count, {
              one: $localize`:@@onwardToastGroupFinishedOne:# run finished`,
              other: $localize`:@@onwardToastGroupFinished:# runs finished`,
            }),
      groupAction: { label: $localize`:@@onwardToastShow:Show`, run: () => this.state.show() },
    };
  }

  private async act(n: RunNotification, action: ToastAction): Promise<void> {
    if (action === 'show') {
      this.openRun(n.id);
      return;
    }
    const run = this.client.run(n.id) ?? (await this.client.getRun(n.id).catch(() => undefined));
    if (!run) return;
    if (action === 'open') await this.actions.openResult(run);
    else this.actions.showError(run);
  }

  /** Opens the run's own page in the monitor window (as the pop-out does); the panel if the browser refuses. */
  private openRun(id: string): void {
    const opened = this.document.defaultView?.open(this.config.runUrl(id), 'onward-monitor');
    if (!opened) this.state.show();
  }

  private systemNotification(n: RunNotification, text: string): void {
    if (!this.document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      // The tag makes the pop-out and the main window (each with its own socket) show one notification, not two.
      const note = new Notification(text, {
        tag: `onward-run-${n.id}`,
        body: $localize`:@@onward.notification.body:Onward · Running tasks`,
      });
      note.onclick = () => {
        this.document.defaultView?.focus();
        this.openRun(n.id);
        note.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker; the toast is enough then.
    }
  }
}

/** What a run toast's button does. */
type ToastAction = 'show' | 'open' | 'details';

function actionLabel(action: ToastAction): string {
  switch (action) {
    case 'show':
      return $localize`:@@onwardToastShow:Show`;
    case 'open':
      return $localize`:@@onward.toast.open:Open`;
    case 'details':
      return $localize`:@@onward.toast.details:Details`;
  }
}

function describe(title: string, display: RunNotification['display']): string {
  const values = displayText(display);
  return values ? `${title} · ${values}` : title;
}

/**
 * "Completed: Recalculate prices · Hardware — 32 prices updated", "Cancelled by an administrator: …".
 * The run as held (when it is) names a scheduler's rows, who cancelled, and a value's summary.
 */
function toastText(n: RunNotification, run: RunView | undefined): string {
  const label = run ? runLabel(run) : describe(n.title, n.display);
  if (n.event === 'started') return $localize`:@@onward.toast.started:Started: ${label}:label:`;
  const word = n.status === 'cancelled' ? cancelledText(run ?? {}) : statusLook(n.status).label;
  const summary = n.status === 'completed' && run?.result?.type === 'value' ? run.result.summary : undefined;
  return summary
    ? $localize`:@@onward.toast.finishedWithSummary:${word}:status:: ${label}:label: — ${summary}:summary:`
    : $localize`:@@onward.toast.finished:${word}:status:: ${label}:label:`;
}
