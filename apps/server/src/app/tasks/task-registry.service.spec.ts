import type { DiscoveryService } from '@nestjs/core';

import type { TaskHandler, TaskOptions } from './task-handler';
import { TaskDefinitionError, TaskRegistry } from './task-registry.service';

const options = (overrides: Partial<TaskOptions> = {}): TaskOptions => ({
  id: 'count-orders',
  title: 'Count orders',
  kind: 'task',
  awaitResult: 'optional',
  background: true,
  parameters: [{ name: 'year', label: 'Year', type: 'integer', required: true, min: 2000 }],
  displayParameters: ['year'],
  ...overrides,
});
const handler: TaskHandler = { run: async () => ({ count: 1 }) };
const registry = (): TaskRegistry => new TaskRegistry({ getProviders: () => [] } as unknown as DiscoveryService);

describe('TaskRegistry', () => {
  it('publishes the contract shape of a definition', () => {
    const tasks = registry();
    tasks.register(options(), handler, 'CountOrdersTask');
    expect(tasks.definitions()).toEqual([
      {
        id: 'count-orders',
        title: 'Count orders',
        kind: 'task',
        awaitResult: 'optional',
        background: true,
        displayParameters: ['year'],
        parameters: [{ name: 'year', label: 'Year', type: 'integer', required: true, min: 2000 }],
      },
    ]);
  });

  it('stops on a duplicate id, naming both classes', () => {
    const tasks = registry();
    tasks.register(options(), handler, 'CountOrdersTask');
    expect(() => tasks.register(options(), handler, 'OtherTask')).toThrow(
      new TaskDefinitionError('Task id "count-orders" is declared twice: by CountOrdersTask and by OtherTask'),
    );
  });

  it.each([
    [{ id: 'Count Orders' }, 'id must be kebab-case'],
    [{ displayParameters: ['month'] }, 'displayParameters names "month"'],
    [{ awaitResult: 'no', background: false } as Partial<TaskOptions>, 'awaitResult "no" needs background: true'],
    [{ kind: 'job' } as unknown as Partial<TaskOptions>, 'kind must be one of task, report'],
    [
      {
        parameters: [{ name: 'n', label: 'N', type: 'integer', required: false, default: 'x' }],
      } as Partial<TaskOptions>,
      'default of parameter "n"',
    ],
  ])('stops on a malformed definition %j', (overrides, message) => {
    expect(() => registry().register(options(overrides), handler, 'BadTask')).toThrow(message);
  });
});
