/** The windows of `GET /api/admin/stats`: buckets of a minute, an hour or a day. */
export const STATS_WINDOWS = ['1h', '24h', '7d'] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

/** Runs that started and ended within one bucket (`at`: its start, ISO-8601). */
export interface StatsBucket {
  at: string;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
}

/** One task over the window: finished runs, failures, and the durations of its completed runs. */
export interface TaskStats {
  task: string;
  runs: number;
  failed: number;
  /** Interpolated from a log-scale histogram; null when none of its runs completed in the window. */
  p50Ms: number | null;
  p95Ms: number | null;
}

/** A task's most frequent error message within the window. */
export interface TaskError {
  task: string;
  message: string;
  count: number;
}

/** `GET /api/admin/stats`. */
export interface AdminStats {
  window: StatsWindow;
  buckets: StatsBucket[];
  tasks: TaskStats[];
  topErrors: TaskError[];
  queued: number;
  running: number;
}

/** `GET /api/admin/workers`: one server process alive now. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  role: 'all' | 'api' | 'worker';
  startedAt: string;
  lastSeenAt: string;
  running: string[];
}
