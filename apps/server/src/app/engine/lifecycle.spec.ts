import { canTransition, type RunStatus } from '@onward/task-domain';

import { LIFECYCLE, type LifecycleEvent, nextStatus, transitionsOf, workerDied } from './lifecycle';

const STATUSES: RunStatus[] = ['queued', 'running', 'cancelling', 'completed', 'failed', 'cancelled'];
const EVENTS = Object.keys(LIFECYCLE) as LifecycleEvent[];

// Every status × event, written out: a change of the rules shows here as a changed row.
const EXPECTED: Record<LifecycleEvent, Record<RunStatus, RunStatus | null>> = {
  claim: { queued: 'running', running: null, cancelling: null, completed: null, failed: null, cancelled: null },
  cancel: {
    queued: 'cancelled',
    running: 'cancelling',
    cancelling: null,
    completed: null,
    failed: null,
    cancelled: null,
  },
  succeeded: {
    queued: null,
    running: 'completed',
    cancelling: 'cancelled',
    completed: null,
    failed: null,
    cancelled: null,
  },
  failed: { queued: null, running: 'failed', cancelling: 'cancelled', completed: null, failed: null, cancelled: null },
  stopped: {
    queued: null,
    running: 'cancelled',
    cancelling: 'cancelled',
    completed: null,
    failed: null,
    cancelled: null,
  },
  'handed-back': {
    queued: null,
    running: 'queued',
    cancelling: 'cancelled',
    completed: null,
    failed: null,
    cancelled: null,
  },
  'worker-died': {
    queued: null,
    running: 'failed',
    cancelling: 'cancelled',
    completed: null,
    failed: null,
    cancelled: null,
  },
  'worker-died-retry': {
    queued: null,
    running: 'queued',
    cancelling: 'cancelled',
    completed: null,
    failed: null,
    cancelled: null,
  },
};

describe('the run lifecycle', () => {
  describe.each(EVENTS)('on %s', (event) => {
    it.each(STATUSES)('from %s', (status) => {
      expect(nextStatus(status, event)).toBe(EXPECTED[event][status]);
    });
  });

  it('moves only along the shared state machine', () => {
    const moves = EVENTS.flatMap((event) => transitionsOf(event));
    expect(moves.filter(({ from, to }) => !canTransition(from, to))).toEqual([]);
  });

  it('never moves a finished run', () => {
    for (const event of EVENTS) {
      for (const status of ['completed', 'failed', 'cancelled'] as const) expect(nextStatus(status, event)).toBeNull();
    }
  });

  describe('a cancel the server accepted wins every race', () => {
    // The run is `cancelling` when the event arrives: its user got 202.
    it.each(EVENTS.filter((event) => event !== 'claim' && event !== 'cancel'))('%s ends it cancelled', (event) => {
      expect(nextStatus('cancelling', event)).toBe('cancelled');
    });

    it('a dead worker never earns a cancelled run another try', () => {
      expect(nextStatus('cancelling', workerDied(true, 1))).toBe('cancelled');
    });

    it('a cancel that meets a run already finished changes nothing (the caller answers 409)', () => {
      for (const status of ['completed', 'failed', 'cancelled'] as const)
        expect(nextStatus(status, 'cancel')).toBeNull();
    });

    it('a second cancel of a cancelling run changes nothing', () => {
      expect(nextStatus('cancelling', 'cancel')).toBeNull();
    });

    it('a handler that returns after the cancel was stored cannot complete the run', () => {
      expect(transitionsOf('succeeded', 'running')).toEqual([
        { from: 'running', to: 'completed' },
        { from: 'cancelling', to: 'cancelled' },
      ]);
    });
  });

  describe('a dead worker', () => {
    it.each([
      [true, 1, 'worker-died-retry'],
      [true, 2, 'worker-died-retry'],
      [true, 3, 'worker-died'],
      [false, 1, 'worker-died'],
    ] as const)('retryOnCrash %s after %i attempts: %s', (retry, attempts, event) => {
      expect(workerDied(retry, attempts)).toBe(event);
    });
  });

  it('tries the status the caller expects first, then the others', () => {
    expect(transitionsOf('failed', 'cancelling')[0]).toEqual({ from: 'cancelling', to: 'cancelled' });
    expect(transitionsOf('failed').map((t) => t.from)).toEqual(['running', 'cancelling']);
  });
});
