// TEMPORARY: renders sample PDFs for a look by eye; deleted before hand-off.
import { copyFile } from 'node:fs/promises';
import { PrintPreviewTask } from './print-preview.task';
import { recordingContext, startBuiltinTasks } from './builtin-tasks.testing';
import { SalesReportTask } from './sales-report.task';

it('renders samples', async () => {
  const fixture = await startBuiltinTasks('sqlite');
  try {
    for (const [customer, year] of [['Initech', 2024], ['Acme', 2024], ['Acme', 2030]] as const) {
      const rec = recordingContext({ customer, year }, '/tmp/onward-render');
      const started = Date.now();
      await fixture.moduleRef.get(SalesReportTask).run(rec.ctx);
      console.log(customer, year, Date.now() - started, 'ms', rec.progress.map((p) => `${p.percent} ${p.message}`).join(' | '));
    }
    const rec = recordingContext({ customer: 'Globex' }, '/tmp/onward-render');
    const started = Date.now();
    await fixture.moduleRef.get(PrintPreviewTask).run(rec.ctx);
    console.log('preview', Date.now() - started, 'ms');
  } finally {
    await fixture.close();
  }
});
