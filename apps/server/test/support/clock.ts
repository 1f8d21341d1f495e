/**
 * A time of day with milliseconds (UTC), `17:42:03.507`: how the cluster stamps its process log lines,
 * and how the soak names times, so that one can be found in the other.
 */
export function timeOfDay(at: number = Date.now()): string {
  return new Date(at).toISOString().slice(11, 23);
}
