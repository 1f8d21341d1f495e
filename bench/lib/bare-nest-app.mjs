// A bare NestJS app on Fastify (the platform Onward runs on) with one route, POST /api/runs answering 202 with what `handle` returns:
// no guard, pipe, interceptor or Socket.IO. The baseline of the start section and the route of the
// lifecycle section's NestJS floor. Written without TypeScript decorators (plain ESM).
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** Listens on 127.0.0.1:`port`; `handle(body, response)` returns (or resolves to) the JSON answer. */
export async function listenBareNest(port, handle) {
  class BareController {
    create(body, response) {
      return handle(body, response);
    }
  }
  Reflect.defineMetadata('design:paramtypes', [Object, Object], BareController.prototype, 'create');
  const descriptor = Object.getOwnPropertyDescriptor(BareController.prototype, 'create');
  Body()(BareController.prototype, 'create', 0);
  Res({ passthrough: true })(BareController.prototype, 'create', 1);
  HttpCode(202)(BareController.prototype, 'create', descriptor);
  Post('runs')(BareController.prototype, 'create', descriptor);
  Controller('api')(BareController);

  class BareModule {}
  Module({ controllers: [BareController] })(BareModule);

  const app = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: ['error'] });
  app.getHttpServer().keepAliveTimeout = 60_000;
  await app.listen(port, '127.0.0.1');
  return app;
}
