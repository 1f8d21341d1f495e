import type { RunKind, RunView } from '@onward/task-domain';

import type { IconName } from './icon';

/**
 * Which entries carry an icon of their own beside the title: by task id first, then by run kind.
 * Runs not named here have none (their status icon says enough).
 */
export const RUN_ICONS: {
  readonly byTask: Readonly<Record<string, IconName>>;
  readonly byKind: Readonly<Partial<Record<RunKind, IconName>>>;
} = {
  byTask: { 'import-orders': 'importData', 'export-orders': 'exportData' },
  byKind: { upload: 'uploadFile' },
};

/** The icon of a run's kind of work (upload, import, export), or null. */
export function runIcon(run: Pick<RunView, 'task' | 'kind'>, icons = RUN_ICONS): IconName | null {
  return icons.byTask[run.task] ?? icons.byKind[run.kind] ?? null;
}
