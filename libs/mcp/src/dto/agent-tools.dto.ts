import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { INT4_MAX } from '#common';

export const MAX_AGENT_TOOLS = 64;

export class ToolGrantDto {
  @ApiProperty({ example: 1, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  server_id!: number;

  @ApiProperty({ example: 'echo', minLength: 1, maxLength: 128, description: 'The tool name as the server lists it.' })
  @IsString()
  @Length(1, 128)
  tool!: string;
}

export class ReplaceAgentToolsDto {
  @ApiProperty({ type: [ToolGrantDto], maxItems: MAX_AGENT_TOOLS, description: "The agent's whole set of tools (an empty list removes them all)." })
  @IsArray()
  @ArrayMaxSize(MAX_AGENT_TOOLS)
  @ValidateNested({ each: true })
  @Type(() => ToolGrantDto)
  tools!: ToolGrantDto[];
}
