// npm run db:migrate: applies pending migrations to DATABASE_URL (PostgreSQL) or DB_PATH (SQLite) and prints the
// schema version. Servers also migrate at start (one at a time); this runs it before a rollout.
import { loadConfig } from '../src/lib/server/config';
import { openConfiguredStore } from '../src/lib/server/db/database';

const config = loadConfig();
const store = await openConfiguredStore(config).catch((error: Error) => {
	console.error(`migration failed: ${error.message}`);
	process.exit(1);
});
const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite at ${config.dbPath}`;
console.log(`${where}: schema version ${await store.schemaVersion()}`);
await store.close();
