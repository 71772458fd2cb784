export { openConfiguredStore, openDatabase, openStore, type Db } from './database';
export { MIGRATIONS, migrate, schemaVersion, type Migration } from './migrations';
export { SqliteStore } from './sqlite-store';
export type {
	ApiKeyRow,
	AttemptStore,
	PersonEnrolment,
	PeopleStore,
	PersonRow,
	PersonSummary,
	Store,
	UserRow,
	UsersStore,
	UserSummary
} from './store';
export type { EmbedderRef, EmbeddingCounts, NewEmbedding } from './types';
