import { DataSource } from 'typeorm';
import { loadConfig, readProcessEnv } from './libs/config/src';
import { buildDataSourceOptions } from './libs/database/src/data-source-options';

/**
 * The TypeORM CLI's data source (npm run migration:*). The app builds the same
 * options through buildDataSourceOptions, so there is one definition.
 */
export default new DataSource(buildDataSourceOptions(loadConfig(readProcessEnv())));
