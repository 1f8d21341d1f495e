/** Decimal units, as file managers and browsers show sizes. */
const UNITS: [number, string][] = [
  [1e12, 'TB'],
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'kB'],
];

function unitOf(bytes: number): [number, string] {
  return UNITS.find(([size]) => bytes >= size) ?? [1, 'B'];
}

function inUnit(bytes: number, [size]: [number, string]): string {
  return size === 1 ? `${bytes}` : (bytes / size).toFixed(1);
}

/**
 * An upload's progress as a run shows it: the share of bytes received, and a message such as
 * "12.4 of 27.0 MB" (both figures in the unit of the whole). A deferred length (unknown) has no
 * percent, and the message is the bytes received alone.
 */
export function uploadProgress(
  offset: number,
  length: number | undefined,
): { percent: number | null; message: string } {
  if (length === undefined) {
    const unit = unitOf(offset);
    return { percent: null, message: `${inUnit(offset, unit)} ${unit[1]}` };
  }
  const unit = unitOf(length);
  return {
    percent: length === 0 ? 100 : (100 * offset) / length,
    message: `${inUnit(offset, unit)} of ${inUnit(length, unit)} ${unit[1]}`,
  };
}
