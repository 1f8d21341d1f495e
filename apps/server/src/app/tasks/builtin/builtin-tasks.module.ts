import { Module } from '@nestjs/common';

import { ProceduresModule } from '../procedures/procedures.module';
import { TypeOrmModule } from '@nestjs/typeorm';

import { DEMO_ENTITIES } from '../../demo/demo.entities';
import { DemoOrdersRepository } from './demo-orders.repository';
import { DemoSalesRepository } from './demo-sales.repository';
import { ExportOrdersTask } from './export-orders.task';
import { ImportOrdersTask } from './import-orders.task';
import { PrintPreviewTask } from './print-preview.task';
import { RecalculatePricesTask } from './recalculate-prices.task';
import { rebuildSalesSummaryTask } from './rebuild-sales-summary.task';
import { SalesReportTask } from './sales-report.task';

/**
 * The built-in catalogue tasks, working on the demo data; the TaskRegistry discovers them. They read
 * uploads through `UploadedFileReader`, which the (global) UploadsModule provides.
 */
@Module({
  imports: [TypeOrmModule.forFeature(DEMO_ENTITIES), ProceduresModule],
  providers: [
    DemoSalesRepository,
    DemoOrdersRepository,
    SalesReportTask,
    RecalculatePricesTask,
    PrintPreviewTask,
    rebuildSalesSummaryTask,
    ImportOrdersTask,
    ExportOrdersTask,
  ],
})
export class BuiltinTasksModule {}
