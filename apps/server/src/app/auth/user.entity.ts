import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

import { jsonText } from '../database/json.transformer';

export type Role = 'user' | 'admin';

@Entity('users')
export class UserEntity {
  /** A UUID for local users; the host's id claim (up to 255 characters) with ONWARD_AUTH=jwt. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName!: string;

  @Column({ type: 'text', transformer: jsonText })
  roles!: Role[];

  /** `scrypt$N$r$p$salt$hash`, never the password itself; null for the host's users (ONWARD_AUTH=jwt). */
  @Column({ name: 'password_hash', type: 'varchar', length: 300, nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  /** A disabled user cannot log in, and their tokens and sockets stop working. */
  @Index('idx_users_disabled')
  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /** ISO time of the last password change: tokens issued before it stop working. */
  @Column({ name: 'password_changed_at', type: 'varchar', length: 24, nullable: true })
  passwordChangedAt!: string | null;

  /** The session (`sid` of its token) in which the user changed their own password: that token goes on. */
  @Column({ name: 'password_session', type: 'varchar', length: 36, nullable: true })
  passwordSession!: string | null;
}
