/**
 * The admin page's "User" filter matches name prefixes ("bo" finds bob and bonnie), while the
 * server's `GET /api/admin/runs?user=` matches one name exactly (the contract). The page asks the
 * users list which names a prefix stands for and reads each of those users' runs exactly, so the
 * answer is complete rather than cut from one page of everyone's runs; the live list is then
 * filtered by the prefix. Without a users list (host identity: Onward keeps no users) or when a
 * prefix stands for too many users, one unfiltered page is read and filtered in the browser.
 */
import { plural } from '@onward/ui';

/** More matching users than this: one unfiltered read instead of one read per user. */
export const MAX_USER_QUERIES = 10;

/** Whether a username starts with the typed prefix, ignoring case and the spaces around it. */
export function matchesUserPrefix(username: string, prefix: string): boolean {
  const p = prefix.trim().toLocaleLowerCase();
  return !p || username.toLocaleLowerCase().startsWith(p);
}

/** The known usernames that start with the prefix, sorted. */
export function usersWithPrefix(usernames: readonly string[], prefix: string): string[] {
  return usernames.filter((u) => matchesUserPrefix(u, prefix)).sort((a, b) => a.localeCompare(b));
}

/**
 * The `user` values of the server reads for a prefix: each matching user exactly, or `null`
 * (no user filter) when the prefix is empty, the users are unknown, or too many match.
 */
export function userQueries(prefix: string, usernames: readonly string[] | null): (string | null)[] {
  if (!prefix.trim() || !usernames) return [null];
  const matching = usersWithPrefix(usernames, prefix);
  return matching.length > MAX_USER_QUERIES ? [null] : matching;
}

/** "1 run", "3 runs", "200+ runs" (more exist than were loaded). */
export function runCountText(count: number, more = false): string {
  return more
    ? plural(count, { other: $localize`:@@adminRunCountMore:#+ runs` })
    : plural(count, { one: $localize`:@@adminRunCountOne:# run`, other: $localize`:@@adminRunCount:# runs` });
}
