import { getDatabase } from './db/database';
import { isDatabaseBusy } from './db/sqlite';

/**
 * Opens and migrates the database, retrying while another process holds its lock (a backup, a second server,
 * the benchmark): waiting asynchronously, never failing as a configuration error that would stop the cluster.
 */
export async function openDatabaseAtStart(sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))) {
	let waitedMs = 0;
	for (let attempt = 0; ; attempt++) {
		try {
			return getDatabase();
		} catch (error) {
			if (!isDatabaseBusy(error)) throw error;
			if (attempt % 20 === 0) {
				console.warn(
					`[me-verifier] the database is locked by another process; waiting (${Math.round(waitedMs / 1000)} s)`
				);
			}
			const pause = Math.min(2000, 100 * 2 ** attempt);
			await sleep(pause);
			waitedMs += pause;
		}
	}
}
