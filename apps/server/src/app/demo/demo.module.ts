import { Module } from '@nestjs/common';

import { DemoDataSeeder } from './demo-data.seeder';

/** The demo company's data that the built-in tasks work on, seeded at start-up. */
@Module({ providers: [DemoDataSeeder] })
export class DemoModule {}
