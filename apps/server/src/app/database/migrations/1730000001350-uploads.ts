import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Unfinished tus uploads: their record, shared by every API process (`UploadEntity`). */
export class Uploads1730000001350 implements MigrationInterface {
  name = 'Uploads1730000001350';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'uploads',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'info', type: 'text' },
          { name: 'touched_at', type: 'varchar', length: '24' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'uploads',
      new TableIndex({ name: 'idx_uploads_touched_at', columnNames: ['touched_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('uploads');
  }
}
