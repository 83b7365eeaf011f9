export * from './mcp.module';
export { McpTools } from './mcp-tools';
export type { OfferedTool, ToolOutcome } from './mcp-tools';
export { McpClients } from './mcp-clients';
export type { ServerHealth } from './server-tool';
export { modelToolName } from './tool-names';
