import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';

import { UploadEntity } from './upload.entity';

/** The `uploads` table (unfinished uploads' tus records); no logic beyond the queries. */
@Injectable()
export class UploadsRepository {
  constructor(@InjectRepository(UploadEntity) private readonly uploads: Repository<UploadEntity>) {}

  find(id: string): Promise<UploadEntity | null> {
    return this.uploads.findOneBy({ id });
  }

  async save(id: string, info: string, touchedAt: string): Promise<void> {
    await this.uploads.upsert({ id, info, touchedAt }, ['id']);
  }

  async touch(id: string, touchedAt: string): Promise<void> {
    await this.uploads.update({ id }, { touchedAt });
  }

  async delete(id: string): Promise<void> {
    await this.uploads.delete({ id });
  }

  async ids(): Promise<string[]> {
    return (await this.uploads.find({ select: { id: true } })).map((row) => row.id);
  }

  /** When each upload of `ids` that has a record was last touched. */
  async touchedAt(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.uploads.find({ select: { id: true, touchedAt: true }, where: { id: In(ids) } });
    return new Map(rows.map((row) => [row.id, row.touchedAt]));
  }

  /** Of `ids`, those that have a record. */
  async existing(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.uploads.find({ select: { id: true }, where: { id: In(ids) } });
    return new Set(rows.map((row) => row.id));
  }
}
