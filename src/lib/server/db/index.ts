export { closeDatabase, getDatabase, openDatabase, type Db } from './database';
export { MIGRATIONS, migrate, schemaVersion, type Migration } from './migrations';
export { PeopleRepository, type EnrollResult, type PersonRow, type PersonSummary } from './people';
export type { EmbedderRef, EmbeddingCounts, NewEmbedding } from './types';
export { UsersRepository, type UserRow, type UserSummary } from './users';
