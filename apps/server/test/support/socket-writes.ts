/** A socket's own write methods: each call is one system call (a corked socket writes its chunks in one `_writev`). */
type SocketWrites = { _write: (...args: unknown[]) => unknown; _writev: (...args: unknown[]) => unknown };

/** Runs `work` and counts the system-call writes `socket` makes until it settles; the methods are restored after. */
export async function countSocketWrites(socket: unknown, work: () => unknown): Promise<number> {
  const target = socket as SocketWrites;
  const { _write: write, _writev: writev } = target;
  let writes = 0;
  target._write = (...args: unknown[]) => {
    writes++;
    return write.apply(target, args);
  };
  target._writev = (...args: unknown[]) => {
    writes++;
    return writev.apply(target, args);
  };
  try {
    await work();
    return writes;
  } finally {
    target._write = write;
    target._writev = writev;
  }
}
