/**
 * The soak's schedule, scaled from one number: `ONWARD_SOAK_SECONDS` of load (60 in `npm test`,
 * 600 in `npm run test:soak`), a worker SIGKILLed and restarted every `killEvery` seconds, Redis
 * restarted once: half-way on a whole period in a long soak, half a period before the end in a short one.
 *
 * By default a kill falls on the Redis restart itself: the restart empties Redis, so the killed worker's
 * runs have no job for BullMQ's stalled-job check to hand on, and the workers' reconciler must adopt
 * them (running runs with neither a job nor a live lease). `ONWARD_SOAK_REDIS_QUIET_SECONDS=N` keeps
 * kills 15 s before and N s after the restart instead.
 */
export interface SoakPlan {
  /** Seconds of mixed load after the warm-up. */
  seconds: number;
  /** Seconds of the same load before the memory baseline is taken (not counted in `seconds`). */
  warmupSeconds: number;
  /** Period of the worker kills, in seconds. */
  killEvery: number;
  /** Offsets (seconds into the load) of the kills: half a period in, then every period. */
  killsAt: number[];
  /** Offset (seconds into the load) of the one Redis restart. */
  redisRestartAt: number;
  /** Seconds after the Redis restart in which no worker is killed (15 before it, unless 0). */
  redisQuietSeconds: number;
  /** Socket.IO clients kept connected, spread over both API processes. */
  sockets: number;
  /** Upper bound, in seconds, for the queue to drain after the load stops. */
  drainSeconds: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function positiveOrZero(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return env[name] === '0' ? 0 : positive(env, name, fallback);
}

export function soakPlan(env: NodeJS.ProcessEnv = process.env): SoakPlan {
  const seconds = positive(env, 'ONWARD_SOAK_SECONDS', 60);
  const killEvery = positive(env, 'ONWARD_SOAK_KILL_SECONDS', seconds >= 300 ? 60 : 20);
  const redisRestartAt =
    seconds >= 300 ? Math.round(seconds / 2 / killEvery) * killEvery : Math.max(1, seconds - killEvery / 2);
  const redisQuietSeconds = positiveOrZero(env, 'ONWARD_SOAK_REDIS_QUIET_SECONDS', 0);
  const quietBefore = redisQuietSeconds === 0 ? 0 : 15;
  const killsAt: number[] = [];
  for (let at = killEvery / 2; at < seconds; at += killEvery) {
    if (at <= redisRestartAt - quietBefore || at >= redisRestartAt + redisQuietSeconds) killsAt.push(at);
  }
  return {
    seconds,
    warmupSeconds: positive(env, 'ONWARD_SOAK_WARMUP_SECONDS', Math.min(30, Math.max(10, seconds / 6))),
    killEvery,
    killsAt,
    redisRestartAt,
    redisQuietSeconds,
    sockets: Math.round(positive(env, 'ONWARD_SOAK_SOCKETS', 200)),
    drainSeconds: positive(env, 'ONWARD_SOAK_DRAIN_SECONDS', 240),
  };
}
