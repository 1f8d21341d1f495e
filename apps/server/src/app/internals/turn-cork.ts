import type { Writable } from 'node:stream';

/**
 * A cork that holds a stream's writes until the end of the current event-loop turn (`setImmediate`),
 * so that everything written in the turn leaves in one system call; corking again within the turn
 * does nothing. One per owner (a connection), since the stream behind it may change (a reconnect).
 */
export function turnCork(): (stream: Writable) => void {
  let corked = false;
  return (stream) => {
    if (corked) return;
    corked = true;
    stream.cork();
    setImmediate(() => {
      corked = false;
      stream.uncork();
    });
  };
}
