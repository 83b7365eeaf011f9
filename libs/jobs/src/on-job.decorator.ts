import { SetMetadata } from '@nestjs/common';
import type { AppConfig } from '#config';

export const JOB_METADATA = 'jobs:on-job';

export interface OnJobOptions {
  /** The job's name; the feature exports it as a constant so enqueuers never spell it again. */
  name: string;
  /** When set, whoever processes jobs also runs this one every so many seconds. */
  everySeconds?: number | ((config: AppConfig) => number);
}

/**
 * Marks a provider method as the handler of a background job. The jobs
 * infrastructure discovers it at boot (JobRegistry), in the worker and in the
 * API alike, so a feature registers its job by importing nothing but this.
 */
export const OnJob = (options: OnJobOptions): MethodDecorator => SetMetadata(JOB_METADATA, options);
