/**
 * A stored procedure as a task, on PostgreSQL: its progress, reported from SQL with
 * `onward.progress`, moves in the monitor while the procedure's transaction is still open, and the
 * entry ends completed.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

import { Api } from '../support/api';
import { describeE2e, shot, untilText, useOnward } from '../support/browser';
import { entry, logIn, openPanel, runList, startRecording, recorded, untilStatus } from '../support/monitor';

const POSTGRES_URL = process.env['ONWARD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `onward_e2e_${randomBytes(4).toString('hex')}`;

async function onPostgres(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describeE2e('a stored procedure in the monitor (PostgreSQL)', () => {
  // The schema must exist before the server puts its tables there; the bench tasks bring the procedure.
  beforeAll(() => onPostgres(`CREATE SCHEMA ${schema}`));
  const onward = useOnward({ DATABASE_URL: `${POSTGRES_URL}?schema=${schema}`, ONWARD_BENCH_TASKS: 'true' });
  afterAll(() => onPostgres(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

  it('shows the progress a procedure reports from SQL, step by step, then completes', async () => {
    const { page } = onward;
    await logIn(page, onward.server.url, 'alice');
    const panel = await openPanel(page);
    const label = 'Benchmark procedure steps · e2e';
    await startRecording(page, 'procedure', `${label},`);
    const api = await Api.as(onward.server.url, 'alice');
    await api.startRun({
      task: 'bench-procedure-steps',
      parameters: { steps: 5, step_seconds: 0.8, tag: 'e2e' },
      mode: 'background',
    });
    const item = entry(runList(panel), label);
    await untilText(item, /Step 2 of 5/, 'the second step reported from SQL');
    await shot(panel, '70-procedure-progress');
    await untilStatus(item, 'Completed');
    const samples = await recorded(page, 'procedure');
    // The percents the monitor showed while the CALL ran: one per step, before it completed.
    const percents = new Set(samples.filter((s) => /Running/.test(s.name)).map((s) => s.bars[0]));
    expect(percents.size).toBeGreaterThanOrEqual(3);
  });
});
