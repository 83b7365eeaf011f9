import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { JobHandler } from './job.types';
import { JOB_METADATA, OnJobOptions } from './on-job.decorator';

/** Every @OnJob method of the application's providers, found once, by job name. */
@Injectable()
export class JobRegistry {
  private found?: Map<string, JobHandler>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Read lazily: providers exist only once every module has been instantiated. */
  handlers(): Map<string, JobHandler> {
    this.found ??= this.discover();
    return this.found;
  }

  private discover(): Map<string, JobHandler> {
    const handlers = new Map<string, JobHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const target = (instance as Record<string, unknown>)[method];
        if (typeof target !== 'function') continue;
        const options = this.reflector.get<OnJobOptions | undefined>(JOB_METADATA, target);
        if (!options) continue;
        if (handlers.has(options.name)) throw new Error(`Two handlers for job "${options.name}"`);
        const every = typeof options.everySeconds === 'function' ? options.everySeconds(this.config) : options.everySeconds;
        handlers.set(options.name, {
          name: options.name,
          everySeconds: every,
          handle: (payload: unknown) => (target as (payload: unknown) => Promise<void>).call(instance, payload),
        });
      }
    }
    return handlers;
  }
}
