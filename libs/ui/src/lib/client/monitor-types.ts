import type { Parameters, RunMode, RunStatus, RunView } from '@onward/task-domain';

// Shapes of the contract that libs/task-domain does not declare (yet).

/** The logged-in user, as `GET /api/auth/me` and `POST /api/auth/login` return it. */
export interface MonitorUser {
  id: string;
  username: string;
  displayName: string;
  roles: ('user' | 'admin')[];
}

/** Body of `POST /api/runs`: exactly one of `parameters` or `rows`. */
export interface StartRunRequest {
  task: string;
  parameters?: Parameters;
  rows?: Parameters[];
  mode?: RunMode;
}

/** Body of `POST /api/runs/:id/rerun`: changed values merged over the run's own, or a selection's failed rows only. */
export interface RerunRequest {
  parameters?: Parameters;
  only?: 'failed';
}

/** Query of `GET /api/runs` and `GET /api/admin/runs`. */
export interface RunQuery {
  status?: RunStatus[];
  mode?: RunMode;
  limit?: number;
  cursor?: string;
  /** Admin query only: one user's runs. */
  user?: string;
}

/** The state of the monitor's socket. */
export type ConnectionState = 'idle' | 'connecting' | 'online' | 'offline' | 'unauthorized';

/**
 * `GET /api/runs/:id` of a scheduler: `children` holds its first subtasks (up to 200) in row order,
 * and `childrenCursor` reads the rest from `GET /api/runs/:id/children` when there are more.
 */
export type SchedulerRunView = RunView & { childrenCursor?: string | null };
