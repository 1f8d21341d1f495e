import { getEventListeners } from 'node:events';

import { linkedController } from './linked-abort';

describe('linkedController', () => {
  it('aborts with the parent, with its reason', () => {
    const parent = new AbortController();
    const { controller } = linkedController(parent.signal);
    parent.abort(new Error('shutting down'));
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as Error).message).toBe('shutting down');
  });

  it('is aborted at once under an aborted parent', () => {
    const parent = new AbortController();
    parent.abort('gone');
    expect(linkedController(parent.signal).controller.signal.reason).toBe('gone');
  });

  it('leaves no listener on the long-lived parent once unlinked', () => {
    const parent = new AbortController();
    for (let i = 0; i < 100; i++) linkedController(parent.signal).unlink();
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
    const { controller, unlink } = linkedController(parent.signal);
    unlink();
    parent.abort();
    expect(controller.signal.aborted).toBe(false);
  });
});
