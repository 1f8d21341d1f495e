import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How long a task's completed runs take: an exponentially weighted mean and an estimate of the 90th
 * percentile, kept up to date as runs complete (never computed from the runs table).
 */
@Entity('task_durations')
export class TaskDurationEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  task!: string;

  @Column({ type: 'integer' })
  runs!: number;

  @Column({ name: 'mean_ms', type: 'double precision' })
  meanMs!: number;

  @Column({ name: 'p90_ms', type: 'double precision' })
  p90Ms!: number;

  @Column({ name: 'updated_at', type: 'varchar', length: 24 })
  updatedAt!: string;
}
