import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  AWAIT_RESULTS,
  checkParameterDefinitions,
  DEFAULT_LOCALE,
  type OnwardLocale,
  PARAMETER_TYPES,
  TASK_KINDS,
  TaskDefinition,
} from '@onward/task-domain';

import { ProcedureTask } from './procedures/procedure-task';
import { ONWARD_TASK } from './task.decorator';
import type { TaskHandler, TaskOptions } from './task-handler';
import { definitionsByLocale, translationProblems } from './task-translations';

/** A discovered task: its options and the handler instance. */
export interface RegisteredTask {
  className: string;
  options: TaskOptions;
  /** The English catalogue entry. */
  definition: TaskDefinition;
  /** The catalogue entry in each language Onward ships. */
  localized: Readonly<Record<OnwardLocale, TaskDefinition>>;
  handler: TaskHandler;
}

/** Thrown at start-up for a task definition the server cannot run with. */
export class TaskDefinitionError extends Error {
  override name = 'TaskDefinitionError';
}

function problemsOf(options: TaskOptions): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,99}$/.test(options.id ?? '')) problems.push('id must be kebab-case (a-z, 0-9, -)');
  if (!options.title) problems.push('title is missing');
  if (!TASK_KINDS.includes(options.kind)) problems.push(`kind must be one of ${TASK_KINDS.join(', ')}`);
  if (!AWAIT_RESULTS.includes(options.awaitResult))
    problems.push(`awaitResult must be one of ${AWAIT_RESULTS.join(', ')}`);
  if (typeof options.background !== 'boolean') problems.push('background must be a boolean');
  if (options.awaitResult === 'no' && options.background === false) {
    problems.push('awaitResult "no" needs background: true (the run can only live in the background)');
  }
  if (!Array.isArray(options.parameters)) return [...problems, 'parameters must be an array'];
  for (const p of options.parameters) {
    if (!PARAMETER_TYPES.includes(p.type)) problems.push(`parameter "${p.name}" has unknown type "${String(p.type)}"`);
  }
  problems.push(...checkParameterDefinitions(options.parameters));
  problems.push(...translationProblems(options));
  const names = new Set(options.parameters.map((p) => p.name));
  for (const name of options.displayParameters ?? []) {
    if (!names.has(name)) problems.push(`displayParameters names "${name}", which is not a parameter`);
  }
  return problems;
}

function toDefinition(options: TaskOptions): TaskDefinition {
  return {
    id: options.id,
    title: options.title,
    kind: options.kind,
    awaitResult: options.awaitResult,
    background: options.background,
    displayParameters: [...options.displayParameters],
    parameters: options.parameters.map((p) => ({
      name: p.name,
      label: p.label,
      type: p.type,
      required: p.required,
      ...(p.default !== undefined ? { default: p.default } : {}),
      // Bounds, so that a client checks a value as the server will.
      ...(p.min !== undefined ? { min: p.min } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
      // The only values allowed: a client shows them as a select list.
      ...(p.options !== undefined ? { options: p.options.map((o) => ({ value: o.value, label: o.label })) } : {}),
    })),
  };
}

/** The catalogue: every `@OnwardTask` provider, discovered and checked at start-up. */
@Injectable()
export class TaskRegistry implements OnModuleInit {
  private readonly tasks = new Map<string, RegisteredTask>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const leftOut: string[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const { metatype, instance } = wrapper;
      if (instance instanceof ProcedureTask) {
        if (instance.available) this.register(instance.options, instance, `procedure ${instance.options.procedure}`);
        else leftOut.push(instance.options.id);
        continue;
      }
      if (!metatype || typeof metatype !== 'function' || !instance) continue;
      const options = Reflect.getMetadata(ONWARD_TASK, metatype) as TaskOptions | undefined;
      if (options) this.register(options, instance as TaskHandler, metatype.name);
    }
    if (leftOut.length > 0) {
      new Logger('TaskRegistry').log(
        `Stored-procedure tasks need PostgreSQL; left out of the catalogue: ${leftOut.join(', ')}`,
      );
    }
  }

  /** Adds a handler; throws a TaskDefinitionError naming the class for a bad or duplicate definition. */
  register(options: TaskOptions, handler: TaskHandler, className: string): void {
    const problems = problemsOf(options);
    if (typeof handler.run !== 'function') problems.push('the class has no run(ctx) method');
    if (problems.length > 0) {
      throw new TaskDefinitionError(`Task "${options.id}" (${className}) is malformed: ${problems.join('; ')}`);
    }
    const existing = this.tasks.get(options.id);
    if (existing) {
      throw new TaskDefinitionError(
        `Task id "${options.id}" is declared twice: by ${existing.className} and by ${className}`,
      );
    }
    const definition = toDefinition(options);
    const localized = definitionsByLocale(options, definition);
    this.tasks.set(options.id, { className, options, definition, localized, handler });
  }

  get(id: string): RegisteredTask | undefined {
    return this.tasks.get(id);
  }

  /** The catalogue in `locale`, English where a task has no translation. */
  definitions(locale: OnwardLocale = DEFAULT_LOCALE): TaskDefinition[] {
    return [...this.tasks.values()].map((t) => t.localized[locale]);
  }
}
