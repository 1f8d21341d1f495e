import type { RunView } from '@onward/task-domain';

import { runLabel, statusLook } from '../shared/run-format';
import { toCsv } from './csv';

/** The CSV of the rows as the admin table shows them (its filter and its order): one line per run. */
export function adminRunsCsv(runs: readonly RunView[]): string {
  const header = [
    $localize`:@@onward.admin.csv.task:Task`,
    $localize`:@@onward.admin.csv.user:User`,
    $localize`:@@onward.admin.csv.status:Status`,
    $localize`:@@onward.admin.csv.started:Started`,
    $localize`:@@onward.admin.csv.finished:Finished`,
    $localize`:@@onward.admin.csv.seconds:Duration (s)`,
    $localize`:@@onward.admin.csv.id:Run id`,
  ];
  // Times in ISO 8601 (UTC): every spreadsheet reads them the same, whatever the exporter's locale.
  const rows = runs.map((run) => [
    runLabel(run),
    run.owner.username,
    statusLook(run.status).label,
    run.startedAt,
    run.finishedAt,
    durationSeconds(run),
    run.id,
  ]);
  return toCsv([header, ...rows]);
}

function durationSeconds(run: RunView): number | null {
  if (!run.startedAt || !run.finishedAt) return null;
  return Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 100) / 10;
}
