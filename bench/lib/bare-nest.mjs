// Baseline of the start-latency section: a bare NestJS (Express) app whose POST /api/runs does
// nothing but answer 202 with a small JSON body. PORT from the environment; prints "ready".
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

class BareController {
  create(body) {
    return { id: 'bare', task: body?.task ?? null, status: 'queued' };
  }
}
Reflect.defineMetadata('design:paramtypes', [Object], BareController.prototype, 'create');
const descriptor = Object.getOwnPropertyDescriptor(BareController.prototype, 'create');
Body()(BareController.prototype, 'create', 0);
HttpCode(202)(BareController.prototype, 'create', descriptor);
Post('runs')(BareController.prototype, 'create', descriptor);
Controller('api')(BareController);

class BareModule {}
Module({ controllers: [BareController] })(BareModule);

const app = await NestFactory.create(BareModule, { logger: ['error'] });
await app.listen(Number(process.env.PORT), '127.0.0.1');
console.log('ready');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => app.close().then(() => process.exit(0)));
