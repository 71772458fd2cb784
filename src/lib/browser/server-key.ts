import { clearServerKey, forgetClearServerKey } from './settings.svelte';
import { deleteSecret, readSecret, writeSecret } from './store';

/**
 * The operator's API key for the People page's server mode (scope `recognize`). It carries the operator's
 * scopes, so it is sealed at rest like the stored faces (store.ts: a sealed record in `meta`): a copy of the
 * browser profile without the unlock method does not reveal it, and while the data key is locked, reading it
 * fails with LOCKED. Older versions kept it in clear in localStorage: the first open seals it and deletes it there.
 */

const NAME = 'serverApiKey';

let sealing: Promise<void> | null = null;

async function sealClearKeyOnce(): Promise<void> {
	const clear = clearServerKey()?.trim();
	if (clear === undefined) return;
	if (clear) await writeSecret(NAME, clear, { keepExisting: true });
	forgetClearServerKey();
}

/**
 * Seals the clear key an older version left in localStorage (unless one is sealed already), then deletes it.
 * Callers at once share one run: a second could otherwise write the old key back after the user changed it.
 */
export function sealClearServerKey(): Promise<void> {
	sealing ??= sealClearKeyOnce().finally(() => (sealing = null));
	return sealing;
}

/** The key, '' when none is set. */
export async function loadServerApiKey(): Promise<string> {
	await sealClearServerKey();
	return (await readSecret(NAME)) ?? '';
}

/** Stores the key sealed ('' removes it); any clear copy of an older version goes too. */
export async function saveServerApiKey(value: string): Promise<void> {
	const key = value.trim();
	if (key) await writeSecret(NAME, key);
	else await deleteSecret(NAME);
	forgetClearServerKey();
}
