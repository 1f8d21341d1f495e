/**
 * The soak's schedule, scaled from one number: `ONWARD_SOAK_SECONDS` of load (60 in `npm test`,
 * 600 in `npm run test:soak`), a worker SIGKILLed and restarted every `killEvery` seconds, Redis
 * restarted once, half-way, between two kills.
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
  /** Offset (seconds into the load) of the one Redis restart, half a period away from any kill. */
  redisRestartAt: number;
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

export function soakPlan(env: NodeJS.ProcessEnv = process.env): SoakPlan {
  const seconds = positive(env, 'ONWARD_SOAK_SECONDS', 60);
  const killEvery = positive(env, 'ONWARD_SOAK_KILL_SECONDS', seconds >= 300 ? 60 : 20);
  const killsAt: number[] = [];
  for (let at = killEvery / 2; at < seconds; at += killEvery) killsAt.push(at);
  // On a whole period, so half a period from the kills on either side.
  const redisRestartAt = Math.max(1, Math.round(seconds / 2 / killEvery)) * killEvery;
  return {
    seconds,
    warmupSeconds: positive(env, 'ONWARD_SOAK_WARMUP_SECONDS', Math.min(30, Math.max(10, seconds / 6))),
    killEvery,
    killsAt,
    redisRestartAt: redisRestartAt < seconds ? redisRestartAt : seconds / 2,
    sockets: Math.round(positive(env, 'ONWARD_SOAK_SOCKETS', 200)),
    drainSeconds: positive(env, 'ONWARD_SOAK_DRAIN_SECONDS', 240),
  };
}
