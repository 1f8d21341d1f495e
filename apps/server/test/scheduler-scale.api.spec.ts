import { Api } from './support/api';
import { type RunView } from './support/contract';
import { useServer } from './support/server';
import { storedSubtasks } from './support/stored-rows';

// A selection of 10,000 rows, the contract's ONWARD_MAX_ROWS default, end to end on the embedded
// defaults: every subtask runs once, in row order, and the scheduler counts them all.
describe('scheduler at scale (SQLite)', () => {
  const server = useServer('sqlite', { ONWARD_BENCH_TASKS: 'true' });
  const ROWS = 10_000;
  let alice: Api;
  let finished: RunView;
  let id: string;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    const started = await alice.startRun({
      task: 'bench-noop',
      rows: Array.from({ length: ROWS }, () => ({ ms: 0 })),
      mode: 'background',
    });
    id = started.id;
    await alice.waitFinished(id, 240_000);
    finished = await alice.getRun(id);
  }, 250_000);

  it('completes every row and counts them', () => {
    expect(finished.status).toBe('completed');
    expect(finished.scheduler).toMatchObject({ total: ROWS, completed: ROWS, failed: 0, cancelled: 0, current: null });
    expect(finished.progress.percent).toBe(100);
  });

  it('ran each subtask once, one after another in row order', async () => {
    const subtasks = await storedSubtasks(server, id);
    expect(subtasks).toHaveLength(ROWS);
    expect(subtasks.filter((s) => s.status !== 'completed' || s.attempts !== 1)).toEqual([]);
    const started = subtasks.map((s) => Date.parse(s.startedAt ?? ''));
    expect(started.every((at, i) => i === 0 || at >= (started[i - 1] as number))).toBe(true);
  });

  it('shows the first 200 subtasks with the run and pages through the rest', async () => {
    expect(finished.children).toHaveLength(200);
    const next = await alice.get(
      `/api/runs/${id}/children?limit=500&cursor=${(finished as RunView & { childrenCursor?: string }).childrenCursor}`,
    );
    expect(next.status).toBe(200);
    expect((next.body as { items: RunView[] }).items).toHaveLength(500);
  });
});
