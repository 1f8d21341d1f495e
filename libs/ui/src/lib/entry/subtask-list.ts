import { DecimalPipe } from '@angular/common';
import { CdkFixedSizeVirtualScroll, CdkVirtualForOf, CdkVirtualScrollViewport } from '@angular/cdk/scrolling';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  untracked,
  viewChild,
} from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import type { RunView } from '@onward/task-domain';
import { EMPTY, switchMap } from 'rxjs';

import { MonitorClient } from '../client/monitor-client';
import { OnwardIcon } from '../shared/icon';
import { RunActions } from '../shared/run-actions';
import { displayText, statusLook } from '../shared/run-format';

/** Rows in view at most; a longer list scrolls inside the entry. */
const VISIBLE_ROWS = 10;
/** Rows before the end of the loaded ones at which the next page is read. */
const LOAD_AHEAD = 40;

/**
 * A scheduler's subtasks, in row order: a virtual list (only the rows in view and a few around
 * them are in the DOM) that reads the next page from the server as its end comes into view, so a
 * scheduler of 10 000 rows costs what its visible rows cost. Rows show live status through the
 * client's store.
 */
@Component({
  selector: 'onward-subtask-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CdkFixedSizeVirtualScroll,
    CdkVirtualForOf,
    CdkVirtualScrollViewport,
    DecimalPipe,
    MatButtonModule,
    OnwardIcon,
  ],
  templateUrl: './subtask-list.html',
  styleUrl: './subtask-list.scss',
})
export class SubtaskList {
  private readonly client = inject(MonitorClient);
  protected readonly actions = inject(RunActions);

  /** The scheduler run. */
  readonly parent = input.required<RunView>();
  /** The scheduler's label, for the list's accessible name. */
  readonly label = input('');

  /** Row height in px (see subtask-list.scss). */
  protected readonly rowHeight = 32;
  protected readonly children = computed(() => this.client.childrenOf(this.parent().id));
  protected readonly paging = computed(() => this.client.subtaskPaging(this.parent().id));
  protected readonly total = computed(() => this.parent().scheduler?.total ?? this.children().length);
  protected readonly height = computed(
    () => this.rowHeight * Math.max(1, Math.min(VISIBLE_ROWS, this.children().length)),
  );
  private readonly viewport = viewChild(CdkVirtualScrollViewport);
  private readonly renderedRange = toSignal(
    toObservable(this.viewport).pipe(switchMap((viewport) => viewport?.renderedRangeStream ?? EMPTY)),
    { initialValue: { start: 0, end: 0 } },
  );

  constructor() {
    // Near the end of the loaded rows, read the next page; rows read before a reconnect are read
    // again as they come into view.
    effect(() => {
      const { start, end } = this.renderedRange();
      const id = this.parent().id;
      const paging = this.paging();
      const loaded = this.children().length;
      untracked(() => {
        if (end > start) this.client.refreshSubtasks(id, start, end).catch(() => undefined);
        if (paging.hasMore && !paging.loading && end >= loaded - LOAD_AHEAD) {
          this.client.loadMoreSubtasks(id).catch(() => undefined);
        }
      });
    });
  }

  protected readonly trackById = (_: number, run: RunView): string => run.id;

  protected look(child: RunView) {
    return statusLook(child.status);
  }

  protected listLabel(): string {
    return $localize`:@@onward.subtasks.listLabel:Subtasks of ${this.label()}:label:`;
  }

  protected errorLabel(child: RunView): string {
    return $localize`:@@onward.subtasks.errorLabel:Error details of ${this.name(child)}:name:`;
  }

  protected resultLabel(child: RunView): string {
    return $localize`:@@onward.subtasks.resultLabel:Open result of ${this.name(child)}:name:`;
  }

  protected name(child: RunView): string {
    return displayText(child.display) || child.title;
  }
}
