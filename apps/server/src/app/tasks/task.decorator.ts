import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';

import type { TaskOptions } from './task-handler';

export const ONWARD_TASK = Symbol('onward:task');

/** Declares a provider class as the handler of a catalogue task; it is discovered at start-up. */
export function OnwardTask(options: TaskOptions): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(ONWARD_TASK, options));
}
