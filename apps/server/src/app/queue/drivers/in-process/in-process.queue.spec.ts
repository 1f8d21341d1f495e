import { InProcessQueue } from './in-process.queue';
import type { RunJob } from '../../run-queue.port';

/** A job that runs until released, recording what runs at the same time. */
function harness(limits: { concurrency: number; userConcurrency: number }) {
  const queue = new InProcessQueue(limits);
  const running = new Set<string>();
  const releases = new Map<string, () => void>();
  const started: string[] = [];
  let peak = 0;
  const peakByUser = new Map<string, number>();
  void queue.startProcessing(async (job: RunJob) => {
    running.add(job.runId);
    started.push(job.runId);
    peak = Math.max(peak, running.size);
    const mine = [...running].filter((id) => id.startsWith(job.ownerId)).length;
    peakByUser.set(job.ownerId, Math.max(peakByUser.get(job.ownerId) ?? 0, mine));
    await new Promise<void>((resolve) => releases.set(job.runId, resolve));
    running.delete(job.runId);
    return 'completed';
  });
  const release = async (runId: string): Promise<void> => {
    releases.get(runId)?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { queue, running, started, release, peak: () => peak, peakByUser };
}

describe('InProcessQueue', () => {
  it('keeps to the global and the per-user cap, letting other users overtake', async () => {
    const h = harness({ concurrency: 4, userConcurrency: 2 });
    for (let i = 0; i < 4; i++) await h.queue.enqueue({ runId: `alice-${i}`, ownerId: 'alice' });
    await h.queue.enqueue({ runId: 'bob-0', ownerId: 'bob' });
    expect([...h.running].sort()).toEqual(['alice-0', 'alice-1', 'bob-0']);
    await h.release('alice-0');
    expect(h.running.has('alice-2')).toBe(true);
    for (const id of ['alice-1', 'alice-2', 'bob-0', 'alice-3']) await h.release(id);
    expect(h.started).toEqual(['alice-0', 'alice-1', 'bob-0', 'alice-2', 'alice-3']);
    expect(h.peakByUser.get('alice')).toBe(2);
  });

  it('never runs more than its concurrency and ignores a job enqueued twice', async () => {
    const h = harness({ concurrency: 2, userConcurrency: 10 });
    for (let i = 0; i < 5; i++) await h.queue.enqueue({ runId: `u${i}-x`, ownerId: `u${i}` });
    await h.queue.enqueue({ runId: 'u4-x', ownerId: 'u4' });
    for (let i = 0; i < 5; i++) await h.release(`u${i}-x`);
    expect(h.peak()).toBe(2);
    expect(h.started).toHaveLength(5);
  });

  it('removes a waiting job but not a running one', async () => {
    const h = harness({ concurrency: 1, userConcurrency: 1 });
    await h.queue.enqueue({ runId: 'a-1', ownerId: 'a' });
    await h.queue.enqueue({ runId: 'a-2', ownerId: 'a' });
    expect(await h.queue.remove('a-2')).toBe(true);
    expect(await h.queue.remove('a-1')).toBe(false);
    await h.release('a-1');
    expect(h.started).toEqual(['a-1']);
  });

  it('keeps FIFO order and the caps through a long one-user backlog, with removes', async () => {
    const h = harness({ concurrency: 4, userConcurrency: 3 });
    for (let i = 0; i < 20_000; i++) await h.queue.enqueue({ runId: `alice-${i}`, ownerId: 'alice' });
    await h.queue.enqueue({ runId: 'bob-0', ownerId: 'bob' });
    expect(h.started).toEqual(['alice-0', 'alice-1', 'alice-2', 'bob-0']);
    await h.release('alice-0');
    expect(h.started[4]).toBe('alice-3');
    expect(await h.queue.remove('alice-5')).toBe(true);
    for (const id of ['alice-1', 'alice-2', 'alice-3']) await h.release(id);
    expect(h.started.slice(5)).toEqual(['alice-4', 'alice-6', 'alice-7']);
  });

  it('starts the oldest job among users below their cap, and puts a job removed and enqueued again last', async () => {
    const h = harness({ concurrency: 1, userConcurrency: 1 });
    await h.queue.enqueue({ runId: 'alice-0', ownerId: 'alice' });
    for (const id of ['bob-1', 'alice-2', 'carol-3', 'bob-4']) {
      await h.queue.enqueue({ runId: id, ownerId: id.split('-')[0] as string });
    }
    expect(await h.queue.remove('bob-1')).toBe(true);
    await h.queue.enqueue({ runId: 'bob-1', ownerId: 'bob' });
    for (const id of ['alice-0', 'alice-2', 'carol-3', 'bob-4']) await h.release(id);
    expect(h.started).toEqual(['alice-0', 'alice-2', 'carol-3', 'bob-4', 'bob-1']);
  });

  it('skips thousands of removed jobs and keeps the order of the rest', async () => {
    const h = harness({ concurrency: 1, userConcurrency: 1 });
    await h.queue.enqueue({ runId: 'alice-first', ownerId: 'alice' });
    for (let i = 0; i < 5_000; i++) await h.queue.enqueue({ runId: `alice-${i}`, ownerId: 'alice' });
    for (let i = 0; i < 5_000; i++) if (i % 1_000 !== 999) expect(await h.queue.remove(`alice-${i}`)).toBe(true);
    expect(await h.queue.remove('alice-0')).toBe(false);
    for (const id of ['alice-first', 'alice-999', 'alice-1999', 'alice-2999', 'alice-3999']) await h.release(id);
    expect(h.started).toEqual(['alice-first', 'alice-999', 'alice-1999', 'alice-2999', 'alice-3999', 'alice-4999']);
    expect(await h.queue.holds({ runId: 'alice-4998', ownerId: 'alice' })).toBe(false);
  });

  describe('stop', () => {
    /** A job that ends after `ms`, or when its signal fires (then it asks to be queued again). */
    function timed(queue: InProcessQueue, ms: number, seen: { signalled: boolean; outcome?: string }) {
      void queue.startProcessing(
        (_job, signal) =>
          new Promise((resolve) => {
            const timer = setTimeout(() => resolve((seen.outcome = 'completed')), ms);
            signal.addEventListener('abort', () => {
              seen.signalled = true;
              clearTimeout(timer);
              resolve((seen.outcome = 'queued'));
            });
          }) as Promise<'completed' | 'queued'>,
      );
    }

    it('lets a running job finish within the grace, without signalling it, and starts nothing new', async () => {
      const queue = new InProcessQueue({ concurrency: 1, userConcurrency: 1 });
      const seen: { signalled: boolean; outcome?: string } = { signalled: false };
      timed(queue, 50, seen);
      await queue.enqueue({ runId: 'a', ownerId: 'alice' });
      await queue.enqueue({ runId: 'b', ownerId: 'alice' });
      await queue.stop(5_000);
      expect(seen).toEqual({ signalled: false, outcome: 'completed' });
      expect(await queue.holds({ runId: 'b', ownerId: 'alice' })).toBe(false);
    });

    it('signals a job that outlasts the grace, so that it is handed back', async () => {
      const queue = new InProcessQueue({ concurrency: 1, userConcurrency: 1 });
      const seen: { signalled: boolean; outcome?: string } = { signalled: false };
      timed(queue, 60_000, seen);
      await queue.enqueue({ runId: 'a', ownerId: 'alice' });
      expect(await queue.holds({ runId: 'a', ownerId: 'alice' })).toBe(true);
      await queue.stop(20);
      expect(seen).toEqual({ signalled: true, outcome: 'queued' });
    });
  });
});
