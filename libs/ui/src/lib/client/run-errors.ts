import { HttpErrorResponse } from '@angular/common/http';
import type { ErrorBody } from '@onward/task-domain';

/** What the user was doing when a call failed: some statuses mean something else per action. */
export type FailedAction = 'start' | 'rerun' | 'cancel' | 'delete' | 'background' | 'result' | 'load';

/**
 * A failed call in a sentence for the person at the screen: never a run id, a status code or the
 * server's own wording, which is written for developers and logs. The one server text passed on
 * is a 500's reference, which support needs to find the log line.
 */
export function describeError(error: unknown, action: FailedAction = 'load'): string {
  if (!(error instanceof HttpErrorResponse))
    return $localize`:@@onwardErrorUnknown:Something went wrong. Please try again.`;
  const body = error.error as Partial<ErrorBody> | null;
  const message = body && typeof body === 'object' && typeof body.message === 'string' ? body.message : '';
  switch (error.status) {
    case 0:
      return $localize`:@@onwardErrorOffline:The task server cannot be reached. Check your connection and try again.`;
    case 400:
      return action === 'start' || action === 'rerun'
        ? invalidValues(body)
        : $localize`:@@onwardErrorRefused:The task server did not accept this request.`;
    case 401:
      return $localize`:@@onwardErrorSignedOut:Your sign-in has expired. Sign in again, then retry.`;
    case 403:
      return $localize`:@@onwardErrorForbidden:You are not allowed to do this.`;
    case 404:
      return action === 'start'
        ? $localize`:@@onwardErrorNoTask:This task is not available any more.`
        : $localize`:@@onwardErrorNoRun:This run no longer exists. It may have been deleted in another window.`;
    case 409:
      return conflict(action);
    case 413:
      return $localize`:@@onwardErrorTooLarge:This is too large to send to the task server.`;
    case 429:
      return tooMany(error);
  }
  if (error.status >= 500) {
    const reference = /reference ([0-9a-z]+)/i.exec(message)?.[1];
    return reference
      ? $localize`:@@onwardErrorServerRef:Something went wrong on the task server. If it happens again, give support this reference: ${reference}:reference:.`
      : $localize`:@@onwardErrorServer:Something went wrong on the task server. Please try again in a moment.`;
  }
  return $localize`:@@onwardErrorUnknown:Something went wrong. Please try again.`;
}

function conflict(action: FailedAction): string {
  switch (action) {
    case 'cancel':
      return $localize`:@@onwardErrorAlreadyFinished:The run had already finished.`;
    case 'background':
      return $localize`:@@onwardErrorForegroundOnly:This task has to finish here; it cannot run in the background.`;
    case 'result':
      return $localize`:@@onwardErrorNoResult:The result is not ready yet.`;
    case 'rerun':
      return $localize`:@@onwardErrorNotRepeatable:This run cannot be run again as it is now.`;
    case 'start':
    case 'delete':
    case 'load':
      return $localize`:@@onwardErrorChanged:The run changed meanwhile. Please try again.`;
  }
}

/** The field messages of a validation failure name the user's own inputs, so they are worth showing. */
function invalidValues(body: Partial<ErrorBody> | null): string {
  const fields = Array.isArray(body?.details) ? body.details.map((d) => d.message).filter(Boolean) : [];
  return fields.length > 0
    ? $localize`:@@onwardErrorInvalidFields:Some values were not accepted: ${fields.join('; ')}:fields:.`
    : $localize`:@@onwardErrorInvalid:Some values were not accepted.`;
}

function tooMany(error: HttpErrorResponse): string {
  const seconds = Number(error.headers?.get('Retry-After'));
  if (!Number.isFinite(seconds) || seconds <= 0) {
    return $localize`:@@onwardErrorBusy:Too many runs are waiting already. Please try again in a moment.`;
  }
  // "in 30 seconds", "in 1 minute": the locale's own words and plurals.
  const when =
    seconds < 90
      ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(Math.ceil(seconds), 'second')
      : new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(Math.ceil(seconds / 60), 'minute');
  return $localize`:@@onwardErrorBusyRetry:Too many runs are waiting already. Please try again ${when}:when:.`;
}
