import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A customer of the demo company; reports look customers up by name. */
@Entity('customers')
@Unique('uq_customers_name', ['name'])
export class Customer {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;
}
