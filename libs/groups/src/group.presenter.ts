import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '#common';
import type { GroupMemberRow, GroupWithCount } from '#database';

export class GroupResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: 'Finance' }) name!: string;
  @ApiProperty({ example: 'The finance team' }) description!: string;
  @ApiProperty({ type: 'integer' }) member_count!: number;
  @ApiProperty() created_at!: Date;
  @ApiProperty() updated_at!: Date;
}

export function presentGroup({ id, name, description, member_count, created_at, updated_at }: GroupWithCount): GroupResponse {
  return { id, name, description, member_count, created_at, updated_at };
}

export class GroupMemberResponse {
  @ApiProperty({ type: 'integer' }) user_id!: number;
  @ApiProperty() email!: string;
  @ApiProperty({ example: 'ADA' }) trigramme!: string;
  @ApiProperty({ description: 'When they joined the group.' }) added_at!: Date;
}

export function presentMember({ user_id, email, trigramme, added_at }: GroupMemberRow): GroupMemberResponse {
  return { user_id, email, trigramme, added_at };
}

/** What a member sees of their own groups: enough to pick one to share an agent with. */
export class MyGroup {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: 'Finance' }) name!: string;
}

export class MyGroupList {
  @ApiProperty({ type: [MyGroup], description: 'Every group I am a member of, by name.' }) items!: MyGroup[];
}

export class GroupPage extends PageOf(GroupResponse, 'By name (case-insensitive), then id.') {}

export class GroupMemberPage extends PageOf(GroupMemberResponse, 'Newest account first.') {}
