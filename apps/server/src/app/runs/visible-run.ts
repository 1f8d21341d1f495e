import { type AuthUser, isAdmin } from '../auth/auth-user';
import { NotFoundError } from '../common/domain-errors';
import type { RunEntity } from '../persistence/run.entity';
import type { RunsRepository } from '../persistence/runs.repository';

/** The run if the caller may see it; another user's run is "not found". */
export async function visibleRun(repository: RunsRepository, user: AuthUser, id: string): Promise<RunEntity> {
  const run = await repository.findById(id);
  if (!run || (run.ownerId !== user.id && !isAdmin(user))) throw new NotFoundError(`Run ${id} not found`);
  return run;
}
