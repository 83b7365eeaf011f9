/** The name the model sees for a server's tool: `${server}__${tool}`, only [A-Za-z0-9_-], at most 64 characters (OpenAI's rule). */
export function modelToolName(serverName: string, tool: string): string {
  return `${serverName}__${tool}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}
