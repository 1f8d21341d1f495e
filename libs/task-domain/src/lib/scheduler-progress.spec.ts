import { schedulerFinished, schedulerMessage, schedulerOutcome, schedulerPercent } from './scheduler-progress';

describe('scheduler progress', () => {
  it('adds the current subtask share to the finished ones', () => {
    expect(schedulerPercent(10, 0, 0)).toBe(0);
    expect(schedulerPercent(10, 2, 50)).toBe(25);
    expect(schedulerPercent(4, 1, 50)).toBe(37.5);
    expect(schedulerPercent(3, 1, 10)).toBe(36.7);
  });

  it('treats an unknown current percent as not started and clamps bad input', () => {
    expect(schedulerPercent(5, 1, null)).toBe(20);
    expect(schedulerPercent(5, 1, 250)).toBe(40);
    expect(schedulerPercent(5, 1, -5)).toBe(20);
    expect(schedulerPercent(5, 7, 50)).toBe(100);
  });

  it('is complete for an empty chain', () => {
    expect(schedulerPercent(0, 0, null)).toBe(100);
  });

  it('ends failed when any subtask failed, naming how many', () => {
    expect(schedulerOutcome({ total: 5, completed: 3, failed: 2, cancelled: 0 })).toEqual({
      status: 'failed',
      message: '2 of 5 subtasks failed',
    });
    expect(schedulerOutcome({ total: 3, completed: 3, failed: 0, cancelled: 0 }).status).toBe('completed');
    expect(schedulerFinished({ completed: 1, failed: 2, cancelled: 3 })).toBe(6);
  });

  it('names the current subtask', () => {
    expect(schedulerMessage(3, 10, 'Globex 2024')).toBe('3 of 10 · Globex 2024');
    expect(schedulerMessage(1, 2, '')).toBe('1 of 2');
    expect(schedulerMessage(3, 10, 'Globex 2024', 'nl')).toBe('3 van 10 · Globex 2024');
  });
});
