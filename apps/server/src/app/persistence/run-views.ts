import { Injectable } from '@nestjs/common';
import type { RunView } from '@onward/task-domain';

import { estimateOf } from './run-estimate';
import type { RunEntity } from './run.entity';
import { toRunView } from './run-view.mapper';
import { TaskDurations } from './task-durations';

/** The RunView of a stored run as of now: the mapped row, with its time left. */
@Injectable()
export class RunViews {
  constructor(private readonly durations: TaskDurations) {}

  of(run: RunEntity): RunView {
    const view = toRunView(run);
    view.estimate = estimateOf(run, this.durations.get(run.task), Date.now());
    return view;
  }
}
