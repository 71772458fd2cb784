// npm run db:migrate: applies pending migrations to DATABASE_URL (PostgreSQL) or DB_PATH (SQLite) and prints the
// schema version. Servers also migrate at start (one at a time); this runs it before a rollout.
import { getConfig } from '../src/lib/server/config';
import { closeStore, getStore } from '../src/lib/server/db/database';

const store = await getStore().catch((error: Error) => {
	console.error(`migration failed: ${error.message}`);
	process.exit(1);
});
const where = getConfig().databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite at ${getConfig().dbPath}`;
console.log(`${where}: schema version ${await store.schemaVersion()}`);
await closeStore();
