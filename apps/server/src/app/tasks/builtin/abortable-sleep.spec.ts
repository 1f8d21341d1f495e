import { abortReason, sleep, throwIfAborted } from './abortable-sleep';

describe('sleep', () => {
  it('resolves after the pause when nothing aborts it', async () => {
    const controller = new AbortController();
    await expect(sleep(20, controller.signal)).resolves.toBeUndefined();
  });

  it('rejects with the signal’s reason as soon as it fires', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    const pause = sleep(60_000, controller.signal);
    controller.abort(reason);
    // Jest's own timeout (30 s) is the bound: a sleep that ignored the abort would run 60 s.
    await expect(pause).rejects.toBe(reason);
  });

  it('rejects at once for a signal that has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(60_000, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('leaves no listener behind once it has resolved', async () => {
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;
    for (let i = 0; i < 5; i++) await sleep(1, controller.signal);
    expect(listeners).toBe(0);
  });
});

describe('abortReason and throwIfAborted', () => {
  it('turns a non-Error reason into an Error', () => {
    const controller = new AbortController();
    controller.abort('shutting down');
    expect(abortReason(controller.signal)).toMatchObject({ name: 'AbortError', message: 'shutting down' });
    expect(() => throwIfAborted(controller.signal)).toThrow('shutting down');
  });

  it('does nothing while the signal has not fired', () => {
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });
});
