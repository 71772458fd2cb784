import { engineState } from '#lib/browser/engine-state.svelte.ts';

/**
 * The engine starts while the page renders: the vault opens (and may wait for a passphrase) before the page
 * mounts, and the models need nothing from it.
 */
export function load(): void {
	void engineState.ready().catch(() => undefined);
}
