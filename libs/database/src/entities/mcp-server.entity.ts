import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const MCP_TRANSPORTS = ['http', 'stdio'] as const;
export type McpTransport = (typeof MCP_TRANSPORTS)[number];
export const MCP_SERVER_VISIBILITIES = ['everyone', 'admin'] as const;
export type McpServerVisibility = (typeof MCP_SERVER_VISIBILITIES)[number];

/**
 * A tool server (Model Context Protocol) the admins registered. Its secrets
 * (HTTP header values, stdio environment values) are stored encrypted; only
 * their names are kept in clear, for the API to show.
 */
@Entity('mcp_servers')
@Check('CHK_mcp_servers_transport', `"transport" IN ('http', 'stdio')`)
@Check('CHK_mcp_servers_visibility', `"visibility" IN ('everyone', 'admin')`)
export class McpServer {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Prefixes the tool names the model sees, so it stays short and plain. */
  @Index('UQ_mcp_servers_name', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  name!: string;

  @Column({ type: 'varchar', length: 8 })
  transport!: McpTransport;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  /** AES-256-GCM of a JSON object header name → value. */
  @Column({ type: 'text', nullable: true })
  headers_encrypted!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  header_names!: string[];

  @Column({ type: 'text', nullable: true })
  command!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  args!: string[];

  /** AES-256-GCM of a JSON object variable name → value. */
  @Column({ type: 'text', nullable: true })
  env_encrypted!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  env_names!: string[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** `admin`: only admins may grant its tools to an agent. */
  @Column({ type: 'varchar', length: 8, default: 'admin' })
  visibility!: McpServerVisibility;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
