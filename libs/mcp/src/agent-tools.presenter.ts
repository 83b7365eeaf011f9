import { ApiProperty } from '@nestjs/swagger';

export class AgentToolResponse {
  @ApiProperty() server_id!: number;
  @ApiProperty({ example: 'search' }) server!: string;
  @ApiProperty({ example: 'echo' }) tool!: string;
  @ApiProperty({ description: 'As the server describes it now (empty when it no longer lists the tool).' }) description!: string;
  @ApiProperty({ description: 'Offered to the model now: the server is enabled, connected and lists the tool.' }) available!: boolean;
}

export class AgentToolsResponse {
  @ApiProperty({ type: [AgentToolResponse] }) tools!: AgentToolResponse[];
}
