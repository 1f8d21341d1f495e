import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity's table as hand-written SQL must name it: `"schema"."table"` (or `"table"`), each part
 * escaped by the connection's driver, as TypeORM's query builder names it.
 */
export function tablePath(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): string {
  return dataSource
    .getMetadata(entity)
    .tablePath.split('.')
    .map((part) => dataSource.driver.escape(part))
    .join('.');
}
