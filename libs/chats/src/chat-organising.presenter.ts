import { ApiProperty } from '@nestjs/swagger';

export class ChatTagCountResponse {
  @ApiProperty({ example: 'work', description: 'Spellings differing only in case count as one tag, shown as most chats spell it.' })
  tag!: string;
  @ApiProperty({ type: 'integer', description: 'Unarchived chats with this tag.' }) count!: number;
  @ApiProperty({ type: 'integer', description: 'Archived chats with this tag.' }) archived_count!: number;
}

export class ChatTagsResponse {
  @ApiProperty({ type: ChatTagCountResponse, isArray: true, description: 'My tags, alphabetically (case-insensitive).' })
  items!: ChatTagCountResponse[];
}

export class BulkChatsResponse {
  @ApiProperty({ type: 'integer', description: 'My chats among the ids, each now in the state asked (already so included).' })
  affected!: number;
  @ApiProperty({ type: 'integer', isArray: true, description: 'The ids that are not my chats (missing or not mine, told apart by nothing); untouched.' })
  not_found!: number[];
}
