import { ApiProperty } from '@nestjs/swagger';

/** FoyerGPT's extension on a model: the agent behind it. */
export class AgentModelInfo {
  @ApiProperty({ type: 'integer', example: 42 }) agent_id!: number;
  @ApiProperty({ example: 'Legal assistant' }) name!: string;
  @ApiProperty({ example: 'mistral-small-latest', description: 'The underlying model the agent answers with.' }) model!: string;
  @ApiProperty({ enum: ['private', 'groups', 'public'] }) visibility!: string;
  @ApiProperty({ type: String, nullable: true, example: 'ADA', description: "The owner's trigramme." }) owner_trigramme!: string | null;
  @ApiProperty({ description: 'Whether it uses what it learnt about the caller.' }) learn_from_interaction!: boolean;
}

/** An agent as an OpenAI model. */
export class OpenAiModel {
  @ApiProperty({ example: 'agent-42', description: 'What `model` takes in POST /v1/chat/completions: `agent-<id>`.' }) id!: string;
  @ApiProperty({ enum: ['model'] }) object!: 'model';
  @ApiProperty({ type: 'integer', description: "The agent's creation, in Unix seconds." }) created!: number;
  @ApiProperty({ example: 'ADA', description: "The owner's trigramme (`foyergpt` when unknown)." }) owned_by!: string;
  @ApiProperty({ type: AgentModelInfo }) foyergpt!: AgentModelInfo;
}

export class OpenAiModelList {
  @ApiProperty({ enum: ['list'] }) object!: 'list';
  @ApiProperty({ type: OpenAiModel, isArray: true, description: 'By name, then id.' }) data!: OpenAiModel[];
}
