import type {
  DisplayValues,
  OnwardLocale,
  Parameters,
  RunCanceller,
  RunMode,
  RunResult,
  RunStatus,
  SchedulerState,
  RunKind,
} from '@onward/task-domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { jsonText } from '../database/json.transformer';

/** One run: a single task execution, a scheduler, or one of a scheduler's subtasks. */
@Entity('runs')
@Index('idx_runs_owner_list', ['ownerId', 'parentId', 'createdAt'])
@Index('idx_runs_list', ['parentId', 'createdAt'])
@Index('idx_runs_status', ['status'])
@Index('idx_runs_parent_position', ['parentId', 'position'])
export class RunEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  task!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 10 })
  kind!: RunKind;

  @Column({ name: 'owner_id', type: 'varchar', length: 255 })
  ownerId!: string;

  @Column({ name: 'owner_username', type: 'varchar', length: 100 })
  ownerUsername!: string;

  @Column({ type: 'varchar', length: 12 })
  mode!: RunMode;

  @Column({ type: 'varchar', length: 12 })
  status!: RunStatus;

  @Column({ type: 'text', transformer: jsonText })
  parameters!: Parameters;

  @Column({ type: 'text', transformer: jsonText })
  display!: DisplayValues;

  @Column({ name: 'progress_percent', type: 'real', nullable: true })
  progressPercent!: number | null;

  @Column({ name: 'progress_message', type: 'varchar', length: 500, nullable: true })
  progressMessage!: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  result!: RunResult | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'error_details', type: 'text', nullable: true })
  errorDetails!: string | null;

  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId!: string | null;

  /** Index of a subtask in its scheduler's `rows`. */
  @Column({ type: 'integer', nullable: true })
  position!: number | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  scheduler!: SchedulerState | null;

  /** ISO-8601 UTC strings: they sort as text on both databases, which the cursor relies on. */
  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'started_at', type: 'varchar', length: 24, nullable: true })
  startedAt!: string | null;

  @Column({ name: 'finished_at', type: 'varchar', length: 24, nullable: true })
  finishedAt!: string | null;

  @Column({ type: 'integer' })
  version!: number;

  /** Who cancelled the run (HTTP cancel or delete); a scheduler's subtasks copy their scheduler's. */
  @Column({ name: 'cancelled_by', type: 'text', nullable: true, transformer: jsonText })
  cancelledBy!: RunCanceller | null;

  /** A scheduler's first rows' display values (up to `FIRST_ROWS_SHOWN`), to name its selection. */
  @Column({ name: 'first_rows', type: 'text', nullable: true, transformer: jsonText })
  firstRows!: DisplayValues[] | null;

  /** The run this one repeats (`POST /api/runs/:id/rerun`). */
  @Column({ name: 'rerun_of', type: 'varchar', length: 36, nullable: true })
  rerunOf!: string | null;

  /** Running, but no progress reported for `ONWARD_STALL_WARNING_S` (set by the executing process). */
  @Column({ type: 'boolean', default: false })
  stalled!: boolean;

  /** The language of the run's messages: the starting request's `Accept-Language`; a rerun keeps it. */
  @Column({ type: 'varchar', length: 8, default: 'en' })
  locale!: OnwardLocale;

  /** The queue place the run was last told, `position:reason` (see `toldText`); null: never told. */
  @Column({ name: 'queue_told', type: 'varchar', length: 24, nullable: true })
  queueTold!: string | null;

  /** How many times execution started (a crashed worker's run may be retried). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;
}
