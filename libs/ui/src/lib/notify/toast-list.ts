import {
  afterNextRender,
  ApplicationRef,
  ChangeDetectionStrategy,
  Component,
  computed,
  createComponent,
  DestroyRef,
  ElementRef,
  EnvironmentInjector,
  inject,
  input,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

import { OnwardIcon } from '../shared/icon';
import { ToastStack } from './toast-stack';

/**
 * The stacked toasts: floating beside the panel (one instance on the page), or inside the panel
 * when there is no room beside it (a phone's sheet); whichever the placement picks shows them.
 * Screen readers hear each notice once, from the notifier's live announcement, so the list
 * itself is not a live region.
 */
@Component({
  selector: 'onward-toast-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, OnwardIcon],
  host: {
    '[class.floating]': 'floating()',
    '[style.left.px]': "shown() && place().mode === 'float' ? $any(place()).left : null",
    '[style.top.px]': "shown() && place().mode === 'float' ? $any(place()).top : null",
    '[style.width.px]': "shown() && place().mode === 'float' ? $any(place()).width : null",
    '[hidden]': '!shown()',
    '(mouseenter)': 'stack.pause(true)',
    '(mouseleave)': 'stack.pause(false)',
    '(focusin)': 'stack.pause(true)',
    '(focusout)': 'stack.pause(false)',
  },
  template: `
    @if (shown()) {
      <ul class="toasts" aria-label="Notices" i18n-aria-label="@@onwardToastsLabel">
        @for (t of stack.toasts(); track t.id) {
          <li class="onward-toast" [attr.data-count]="t.count">
            <span class="text">{{ t.text }}</span>
            @if (t.action) {
              <button mat-button type="button" class="action" (click)="stack.act(t.id)">{{ t.action }}</button>
            }
            <button
              mat-icon-button
              type="button"
              class="close"
              aria-label="Dismiss"
              i18n-aria-label="@@onwardToastDismiss"
              (click)="stack.dismiss(t.id)"
            >
              <onward-icon name="close" />
            </button>
          </li>
        }
      </ul>
    }
  `,
  styleUrl: './toast-list.scss',
})
export class ToastList {
  protected readonly stack = inject(ToastStack);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  /** True for the page's floating column; false for the one inside the panel. */
  readonly floating = input(false);

  protected readonly place = this.stack.placement;
  protected readonly shown = computed(
    () => this.stack.toasts().length > 0 && (this.place().mode === 'inside') !== this.floating(),
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      if (!this.floating()) return;
      const win = this.host.nativeElement.ownerDocument.defaultView;
      const onResize = () => this.stack.viewportChanged();
      win?.addEventListener('resize', onResize);
      // The placement needs the column's real height (a long title wraps onto two lines).
      const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.measure());
      observer?.observe(this.host.nativeElement);
      destroyRef.onDestroy(() => {
        win?.removeEventListener('resize', onResize);
        observer?.disconnect();
      });
    });
  }

  private measure(): void {
    const height = this.host.nativeElement.getBoundingClientRect().height;
    if (height > 0) this.stack.height.set(Math.ceil(height));
  }
}

/** Puts the floating toast column on the page (once per application). */
export function attachToastList(appRef: ApplicationRef, injector: EnvironmentInjector, document: Document): void {
  const ref = createComponent(ToastList, { environmentInjector: injector });
  ref.setInput('floating', true);
  document.body.appendChild(ref.location.nativeElement);
  appRef.attachView(ref.hostView);
}
