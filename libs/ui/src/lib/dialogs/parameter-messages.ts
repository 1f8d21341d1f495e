import type { ParameterProblem } from '@onward/task-domain';
import { formatNumber } from '../shared/intl-formats';

/**
 * A parameter rule's message in the user's language ("Jaar moet minstens 2000 zijn"), from the
 * domain's rule and limits; the server keeps its English wording for the API.
 */
export function problemMessage(label: string, problem: ParameterProblem, locale?: string): string {
  switch (problem.rule) {
    case 'required':
      return $localize`:@@onward.rule.required:${label}:label: is required`;
    case 'unknown':
      return $localize`:@@onward.rule.unknown:${label}:label: is not a parameter of this task`;
    case 'string':
      return $localize`:@@onward.rule.string:${label}:label: must be a string`;
    case 'empty':
      return $localize`:@@onward.rule.empty:${label}:label: must not be empty`;
    case 'tooLong':
      return $localize`:@@onward.rule.tooLong:${label}:label: must be at most ${number(problem.limit, locale)}:limit: characters`;
    case 'integer':
      return $localize`:@@onward.rule.integer:${label}:label: must be an integer`;
    case 'number':
      return $localize`:@@onward.rule.number:${label}:label: must be a number`;
    case 'boolean':
      return $localize`:@@onward.rule.boolean:${label}:label: must be a boolean`;
    case 'date':
      return $localize`:@@onward.rule.date:${label}:label: must be a date (YYYY-MM-DD)`;
    case 'calendarDate':
      return $localize`:@@onward.rule.calendarDate:${label}:label: must be a valid calendar date`;
    case 'upload':
      return $localize`:@@onward.rule.upload:${label}:label: must be the id of an upload`;
    case 'min':
      return $localize`:@@onward.rule.min:${label}:label: must be at least ${number(problem.limit, locale)}:limit:`;
    case 'max':
      return $localize`:@@onward.rule.max:${label}:label: must be at most ${number(problem.limit, locale)}:limit:`;
    case 'options':
      return $localize`:@@onward.rule.options:${label}:label: must be one of ${problem.values.join(', ')}:values:`;
  }
}

/** The locale's decimal sign, without grouping: a limit is often a year ("2000", not "2.000"). */
function number(value: number, locale: string | undefined): string {
  return formatNumber(value, locale, { useGrouping: false, maximumFractionDigits: 20 });
}
