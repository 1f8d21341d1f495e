import { Customer } from './customer.entity';
import { Order } from './order.entity';
import { Product } from './product.entity';

/** The demo data's entities, for the application's DataSource and `TypeOrmModule.forFeature`. */
export const DEMO_ENTITIES = [Customer, Order, Product];
