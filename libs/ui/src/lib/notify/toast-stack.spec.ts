import { TestBed } from '@angular/core/testing';

import { setupWidget } from '../../testing/setup';
import { ToastStack, type ToastOptions } from './toast-stack';

describe('ToastStack', () => {
  let stack: ToastStack;

  beforeEach(() => {
    jest.useFakeTimers();
    setupWidget();
    stack = TestBed.inject(ToastStack);
  });

  afterEach(() => jest.useRealTimers());

  const finished = (text: string, onGroup = jest.fn()): ToastOptions => ({
    text,
    action: 'Open',
    duration: 8000,
    kind: 'finished',
    group: (n) => `${n} runs finished`,
    groupAction: { label: 'Show', run: onGroup },
  });
  const texts = () => stack.toasts().map((t) => t.text);

  it('stacks up to three toasts, each readable, and groups a fourth of the same kind', () => {
    for (const name of ['A', 'B', 'C']) stack.show(finished(`Completed: ${name}`));
    expect(texts()).toEqual(['Completed: A', 'Completed: B', 'Completed: C']);

    const show = jest.fn();
    stack.show(finished('Failed: D', show));
    expect(texts()).toEqual(['4 runs finished']);
    expect(stack.toasts()[0].action).toBe('Show');
    stack.act(stack.toasts()[0].id);
    expect(show).toHaveBeenCalled();
    expect(texts()).toEqual([]);
  });

  it('keeps counting into the group, and drops the oldest of other kinds', () => {
    stack.show({ text: 'Started: X', duration: 4000, kind: 'started' });
    for (const name of ['A', 'B', 'C']) stack.show(finished(`Completed: ${name}`));
    expect(texts()).toEqual(['Started: X', '3 runs finished']);
    stack.show(finished('Completed: D'));
    stack.show(finished('Completed: E'));
    expect(texts()).toEqual(['Started: X', '5 runs finished']);
    stack.show({ text: 'Moved: Y', duration: 4000 });
    stack.show({ text: 'Moved: Z', duration: 4000 });
    expect(texts()).toEqual(['5 runs finished', 'Moved: Y', 'Moved: Z']);
  });

  it('dismisses each toast after its time, but not while the user reads them', () => {
    stack.show(finished('Completed: A'));
    jest.advanceTimersByTime(5000);
    stack.pause(true);
    jest.advanceTimersByTime(60_000);
    expect(texts()).toEqual(['Completed: A']);
    stack.pause(false);
    jest.advanceTimersByTime(3100);
    expect(texts()).toEqual([]);
  });

  it('tells a toast with an action whether the user took it', () => {
    const taken = jest.fn();
    const gone = jest.fn();
    stack.show({ text: 'Deleted: A', action: 'Undo', duration: 5000, onAction: taken, onDismiss: gone });
    stack.show({ text: 'Deleted: B', action: 'Undo', duration: 5000, onAction: taken, onDismiss: gone });
    stack.act(stack.toasts()[0].id);
    expect(taken).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(5000);
    expect(gone).toHaveBeenCalledTimes(1);
    expect(texts()).toEqual([]);
  });
});
