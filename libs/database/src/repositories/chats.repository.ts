import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Chat } from '../entities/chat.entity';

/** Every query on chats. */
@Injectable()
export class ChatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user's chat with its agent (soft-deleted agents included), or null when missing or someone else's. */
  findOwned(userId: number, id: number): Promise<Chat | null> {
    // One query: findOne with a relation first selects the distinct ids, then the rows.
    return (
      this.dataSource
        .getRepository(Chat)
        .createQueryBuilder('chat')
        // Before the join: TypeORM fixes a join's soft-delete condition when it is added.
        .withDeleted()
        .leftJoinAndSelect('chat.agent', 'agent')
        .where('chat.id = :id AND chat.user_id = :userId', { id, userId })
        .getOne()
    );
  }
}
