import { isStoreBusy } from './db/errors';
import { isDatabaseBusy } from './db/sqlite';
import type { Store } from './db/store';

/**
 * Opens and migrates the store with `open`, retrying while another process holds SQLite's lock (a backup, a
 * second server, the benchmark) or while PostgreSQL is not reachable yet (it starts beside the replicas):
 * waiting asynchronously, never failing as a configuration error that would stop the cluster.
 */
export async function openDatabaseAtStart(
	open: () => Promise<Store>,
	sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
): Promise<Store> {
	let waitedMs = 0;
	for (let attempt = 0; ; attempt++) {
		try {
			return await open();
		} catch (error) {
			if (!isStoreBusy(error)) throw error;
			if (attempt % 20 === 0) {
				const why = isDatabaseBusy(error)
					? 'the database is locked by another process'
					: `the database is not reachable yet (${(error as Error).message})`;
				console.warn(`[me-verifier] ${why}; waiting (${Math.round(waitedMs / 1000)} s)`);
			}
			const pause = Math.min(2000, 100 * 2 ** attempt);
			await sleep(pause);
			waitedMs += pause;
		}
	}
}
