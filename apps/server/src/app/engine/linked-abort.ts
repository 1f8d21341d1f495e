/**
 * A controller that `parent` firing aborts too. Call `unlink` when the run is over: the parent (the
 * process's shutdown signal) lives long, and a listener left on it per run piles up (memory, and
 * EventTarget's duplicate check makes every add slower than the last).
 */
export function linkedController(parent: AbortSignal): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, unlink: () => undefined };
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, unlink: () => parent.removeEventListener('abort', onAbort) };
}
