import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A deleted run, kept for a while after its row has gone: `run.deleted` crosses processes over Redis
 * pub/sub, which keeps nothing, so an API process that lost Redis learns from these which of its
 * sockets' runs were deleted meanwhile (see `RunsGateway.resync`).
 */
@Entity('run_deletions')
@Index('idx_run_deletions_deleted_at', ['deletedAt'])
export class RunDeletionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 255 })
  ownerId!: string;

  @Column({ name: 'deleted_at', type: 'varchar', length: 24 })
  deletedAt!: string;
}
