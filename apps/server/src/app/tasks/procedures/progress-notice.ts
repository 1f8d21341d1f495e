/**
 * The HINT of the NOTICE that `onward.progress(percent, message)` raises (see the `OnwardProgress`
 * migration): how a progress report is told apart from a procedure's other notices.
 */
export const PROGRESS_HINT = 'onward.progress';

/** What a NOTICE of `pg` carries that matters here. */
export interface Notice {
  message?: string;
  hint?: string;
  severity?: string;
}

/** The progress a notice reports, or null for any other notice (or a malformed one). */
export function progressOf(notice: Notice): { percent: number | null; message: string | null } | null {
  if (notice.hint !== PROGRESS_HINT || !notice.message) return null;
  try {
    const { percent, message } = JSON.parse(notice.message) as { percent?: unknown; message?: unknown };
    const value = typeof percent === 'number' && Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : null;
    return { percent: value, message: typeof message === 'string' ? message : null };
  } catch {
    return null;
  }
}
