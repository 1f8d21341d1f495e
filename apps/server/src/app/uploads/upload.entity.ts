import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An unfinished upload's tus record (its declared length, metadata, creation date), kept in the
 * database so that any API process can take its next PATCH; the bytes themselves are in the shared
 * data folder. The row goes when the upload completes or ends.
 */
/** Its owner is the run's. */
@Entity('uploads')
@Index('idx_uploads_touched_at', ['touchedAt'])
export class UploadEntity {
  /** The upload's run id. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The tus `Upload` as JSON, without its offset (the file's size is the offset). */
  @Column({ type: 'text' })
  info!: string;

  /** When the upload was created or last received data (ISO-8601): the expiry counts from here. */
  @Column({ name: 'touched_at', type: 'varchar', length: 24 })
  touchedAt!: string;
}
