import { Injectable } from '@nestjs/common';
import type { RunView } from '@onward/task-domain';

import { QueuePlaces } from './queue-places';
import { estimateOf } from './run-estimate';
import type { RunEntity } from './run.entity';
import { toRunView } from './run-view.mapper';
import { TaskDurations } from './task-durations';

/** The RunView of a stored run as of now: the mapped row, with its time left. */
@Injectable()
export class RunViews {
  constructor(
    private readonly durations: TaskDurations,
    private readonly places: QueuePlaces,
  ) {}

  of(run: RunEntity): RunView {
    const view = toRunView(run);
    view.queue = this.places.placeOf(run);
    const history = this.durations.get(run.task);
    // A queued run also waits: about one typical run per place ahead of it.
    const waitMs = view.queue && history ? (view.queue.position - 1) * history.meanMs : 0;
    view.estimate = estimateOf(run, history, Date.now(), waitMs);
    return view;
  }
}
