import { Initial1795613934894 } from './1795613934894-Initial';
import { ChatActivity1795620000000 } from './1795620000000-ChatActivity';
import { MessageGeneration1795620000001 } from './1795620000001-MessageGeneration';
import { DocumentExtraction1795620000002 } from './1795620000002-DocumentExtraction';
import { Retrieval1795620000003 } from './1795620000003-Retrieval';
import { EmbeddingBytes1795620000004 } from './1795620000004-EmbeddingBytes';
import { StreamingAnswers1795620000005 } from './1795620000005-StreamingAnswers';
import { ChatListOrder1795620000006 } from './1795620000006-ChatListOrder';
import { AnswerLiveness1795620000008 } from './1795620000008-AnswerLiveness';
import { VectorIndex1795620000009 } from './1795620000009-VectorIndex';
import { Organisation1795620000010 } from './1795620000010-Organisation';
import { Conversations1795620000011 } from './1795620000011-Conversations';
import { ChatTitleSearch1795620000012 } from './1795620000012-ChatTitleSearch';
import { ApiKeysAndFailover1795620000013 } from './1795620000013-ApiKeysAndFailover';
import { SingleSignOn1795620000014 } from './1795620000014-SingleSignOn';
import { McpServers1795620000015 } from './1795620000015-McpServers';
import { AnswerParts1795620000016 } from './1795620000016-AnswerParts';

/** Every migration, in order. `npm run migration:generate` writes a file here: add its class. */
export const MIGRATIONS = [
  Initial1795613934894,
  ChatActivity1795620000000,
  MessageGeneration1795620000001,
  DocumentExtraction1795620000002,
  Retrieval1795620000003,
  EmbeddingBytes1795620000004,
  StreamingAnswers1795620000005,
  ChatListOrder1795620000006,
  AnswerLiveness1795620000008,
  VectorIndex1795620000009,
  Organisation1795620000010,
  Conversations1795620000011,
  ChatTitleSearch1795620000012,
  ApiKeysAndFailover1795620000013,
  SingleSignOn1795620000014,
  McpServers1795620000015,
  AnswerParts1795620000016,
];
