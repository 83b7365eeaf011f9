import { DataSource } from 'typeorm';
import { loadConfig, readProcessEnv } from '#config';
import { buildDataSourceOptions } from '#database';

/**
 * The TypeORM CLI's data source (npm run migration:*). The app builds the same
 * options through buildDataSourceOptions, so there is one definition.
 */
export default new DataSource(buildDataSourceOptions(loadConfig(readProcessEnv())));
