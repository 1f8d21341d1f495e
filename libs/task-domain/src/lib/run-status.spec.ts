import { RUN_STATUSES } from './run';
import {
  canTransition,
  EXECUTING_STATUSES,
  FINAL_STATUSES,
  isExecuting,
  isFinalStatus,
  isUnfinished,
  statusesLeadingTo,
  UNFINISHED_STATUSES,
} from './run-status';

describe('run status machine', () => {
  it('lets a queued run start or be cancelled, but not complete unseen', () => {
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('queued', 'cancelled')).toBe(true);
    expect(canTransition('queued', 'completed')).toBe(false);
  });

  it('cancels a running run through cancelling', () => {
    expect(canTransition('running', 'cancelling')).toBe(true);
    expect(canTransition('cancelling', 'cancelled')).toBe(true);
    expect(canTransition('cancelling', 'completed')).toBe(false);
    expect(canTransition('cancelling', 'running')).toBe(false);
  });

  it('never leaves a final status', () => {
    for (const from of ['completed', 'failed', 'cancelled'] as const) {
      expect(isFinalStatus(from)).toBe(true);
      for (const to of RUN_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
    expect(isFinalStatus('running')).toBe(false);
  });

  it('lists the guard of a conditional update', () => {
    expect(statusesLeadingTo('completed')).toEqual(['running']);
    expect(statusesLeadingTo('cancelled').sort()).toEqual(['cancelling', 'queued', 'running']);
    expect(statusesLeadingTo('queued')).toEqual(['running']);
  });

  it('splits every status into unfinished or final, and names the executing ones', () => {
    expect([...UNFINISHED_STATUSES, ...FINAL_STATUSES].sort()).toEqual([...RUN_STATUSES].sort());
    for (const status of RUN_STATUSES) expect(isUnfinished(status)).toBe(!isFinalStatus(status));
    expect(RUN_STATUSES.filter(isUnfinished)).toEqual(['queued', 'running', 'cancelling']);
    expect(RUN_STATUSES.filter(isExecuting)).toEqual(['running', 'cancelling']);
    expect(EXECUTING_STATUSES.every(isUnfinished)).toBe(true);
    expect(isExecuting('queued')).toBe(false);
  });
});
