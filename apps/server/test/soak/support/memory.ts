/** Resident memory of processes, read from Linux's /proc/<pid>/status (VmRSS), sampled over time. */
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in KiB, or null when the process is gone. */
export function rssKib(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export interface MemoryRow {
  process: string;
  measured: string;
  'baseline MB': number | null;
  'end MB': number | null;
  'peak MB': number | null;
  'growth MB': number | null;
  'growth %': number | null;
  samples: number;
}

interface Series {
  /** The sample at `markBaseline()`, or the first one of a process started after it. */
  baseline: number | null;
  /** Whether the baseline is the warm-up mark (a process that lived through the whole soak). */
  fromMark: boolean;
  /** The round of the series' newest sample: behind the sampler's round once the process is gone. */
  round: number;
  last: number | null;
  peak: number;
  samples: number;
}

const mb = (kib: number | null): number | null => (kib === null ? null : Math.round(kib / 102.4) / 10);

/**
 * Samples a changing set of named processes (a worker restarted after a kill keeps its name's
 * series going under a new pid, e.g. `worker-B#3`).
 */
export class MemorySampler {
  private readonly series = new Map<string, Series>();
  private timer: NodeJS.Timeout | null = null;
  private marked = false;
  private round = 0;

  constructor(private readonly processes: () => { name: string; pid: number }[]) {}

  /** Takes one sample of every process now. */
  sample(): void {
    this.round++;
    for (const { name, pid } of this.processes()) {
      const kib = rssKib(pid);
      if (kib === null) continue;
      const s = this.series.get(name) ?? {
        baseline: this.marked ? kib : null,
        fromMark: false,
        round: 0,
        last: null,
        peak: 0,
        samples: 0,
      };
      s.last = kib;
      s.round = this.round;
      s.peak = Math.max(s.peak, kib);
      s.samples++;
      this.series.set(name, s);
    }
  }

  /** The current sample becomes every live process's baseline (after the warm-up). */
  markBaseline(): void {
    this.sample();
    this.marked = true;
    for (const s of this.series.values()) {
      s.baseline = s.last;
      s.fromMark = true;
    }
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  rows(): MemoryRow[] {
    return [...this.series.entries()].map(([name, s]) => {
      const growth = s.baseline !== null && s.last !== null ? s.last - s.baseline : null;
      return {
        process: name,
        measured: `${s.fromMark ? 'warm-up' : 'its start'} → ${s.round === this.round ? 'end' : 'its kill'}`,
        'baseline MB': mb(s.baseline),
        'end MB': mb(s.last),
        'peak MB': mb(s.peak),
        'growth MB': mb(growth),
        'growth %': growth !== null && s.baseline ? Math.round((1000 * growth) / s.baseline) / 10 : null,
        samples: s.samples,
      };
    });
  }

  /**
   * Processes that lived through the whole soak and grew beyond both `factor` × their baseline and
   * their baseline + `plusMib` MiB.
   */
  excessive(factor: number, plusMib: number): string[] {
    const problems: string[] = [];
    for (const [name, s] of this.series) {
      if (!s.fromMark || s.round !== this.round || s.baseline === null || s.last === null) continue;
      if (s.last > s.baseline * factor && s.last > s.baseline + plusMib * 1024) {
        problems.push(`${name} grew from ${mb(s.baseline)} MB to ${mb(s.last)} MB`);
      }
    }
    return problems;
  }
}
