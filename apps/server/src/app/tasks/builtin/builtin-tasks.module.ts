import { Module } from '@nestjs/common';

import { ProceduresModule } from '../procedures/procedures.module';
import { TypeOrmModule } from '@nestjs/typeorm';

import { DEMO_ENTITIES } from '../../demo/demo.entities';
import { DemoSalesRepository } from './demo-sales.repository';
import { PrintPreviewTask } from './print-preview.task';
import { RecalculatePricesTask } from './recalculate-prices.task';
import { rebuildSalesSummaryTask } from './rebuild-sales-summary.task';
import { SalesReportTask } from './sales-report.task';

/** The built-in catalogue tasks, working on the demo data; the TaskRegistry discovers them. */
@Module({
  imports: [TypeOrmModule.forFeature(DEMO_ENTITIES), ProceduresModule],
  providers: [DemoSalesRepository, SalesReportTask, RecalculatePricesTask, PrintPreviewTask, rebuildSalesSummaryTask],
})
export class BuiltinTasksModule {}
