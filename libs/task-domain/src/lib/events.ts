import type { DisplayValues, RunStatus, RunView } from './run';

/** The Socket.IO namespace of the monitor. */
export const RUNS_NAMESPACE = '/runs';

/** Payload of `run.notification`: for toasts and system notifications. */
export interface RunNotification {
  id: string;
  event: 'started' | 'finished';
  status: RunStatus;
  title: string;
  display: DisplayValues;
}

/** Events the server sends to monitor clients. */
export interface ServerToClientEvents {
  'run.updated': (run: RunView) => void;
  'run.deleted': (payload: { id: string }) => void;
  'run.notification': (notification: RunNotification) => void;
  error: (payload: { message: string }) => void;
  /** To admins who sent `subscribe.all`: the run statistics changed; read `/api/admin/stats` again. */
  'stats.updated': () => void;
}

/** Events monitor clients send to the server. */
export interface ClientToServerEvents {
  'subscribe.all': () => void;
}
