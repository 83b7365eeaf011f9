import { createRequire } from 'node:module';

// The SDK ships CommonJS and ESM builds, but its type declarations sit beside the ESM build only:
// TypeScript reads them in import mode, while the code loads the CommonJS build, as the rest of our build is.
type ClientModule = typeof import('@modelcontextprotocol/sdk/client/index.js', { with: { 'resolution-mode': 'import' } });
type StdioModule = typeof import('@modelcontextprotocol/sdk/client/stdio.js', { with: { 'resolution-mode': 'import' } });
type HttpModule = typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js', { with: { 'resolution-mode': 'import' } });
type TypesModule = typeof import('@modelcontextprotocol/sdk/types.js', { with: { 'resolution-mode': 'import' } });
export type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js' with { 'resolution-mode': 'import' };

const load = createRequire(__filename);

export const { Client } = load('@modelcontextprotocol/sdk/client/index.js') as ClientModule;
export type Client = InstanceType<ClientModule['Client']>;
export const { StdioClientTransport, getDefaultEnvironment } = load('@modelcontextprotocol/sdk/client/stdio.js') as StdioModule;
export const { StreamableHTTPClientTransport } = load('@modelcontextprotocol/sdk/client/streamableHttp.js') as HttpModule;
export const { ToolListChangedNotificationSchema } = load('@modelcontextprotocol/sdk/types.js') as TypesModule;
