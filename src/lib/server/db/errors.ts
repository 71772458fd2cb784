import { isPostgresBusy } from './postgres/errors';
import { isDatabaseBusy } from './sqlite';

/** Network-level failures reaching PostgreSQL (down, restarting, unreachable): worth a retry, not a 500. */
export function isStoreUnavailable(error: unknown): boolean {
	const e = error as { code?: string; message?: string };
	if (!e || typeof e !== 'object') return false;
	if (
		['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(
			e.code ?? ''
		)
	)
		return true;
	// 57P01-03: admin shutdown, crash shutdown, cannot connect now (starting up); 08xxx: connection exceptions.
	if (/^(57P0[123]|08...)$/.test(e.code ?? '')) return true;
	return /Connection terminated|timeout exceeded when trying to connect/i.test(e.message ?? '');
}

/** Either store's "try again shortly": a SQLite lock held too long, PostgreSQL lock/serialisation, or it is down. */
export function isStoreBusy(error: unknown): boolean {
	return isDatabaseBusy(error) || isPostgresBusy(error) || isStoreUnavailable(error);
}
