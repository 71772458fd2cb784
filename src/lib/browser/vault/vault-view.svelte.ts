import type { UnlockMethod } from './cipher';
import { isVaultError, type VaultErrorCode } from './errors';
import { passkeysOffered } from './passkey';
import {
	dataKey,
	lock,
	unlockWithPasskey,
	unlockWithPassphrase,
	useDeviceKey,
	usePasskey,
	usePassphrase,
	vaultState
} from './vault';

/** The vault as the pages see it: locked or not, how it unlocks, and the last refusal's code. */
class VaultView {
	status = $state<'opening' | 'locked' | 'unlocked' | 'error'>('opening');
	method = $state<UnlockMethod | null>(null);
	busy = $state(false);
	/** The code of the last refusal (shown in the page's language), null after a success. */
	error = $state<VaultErrorCode | null>(null);
	/** A failure that is not the vault's (IndexedDB unavailable): its message. */
	failure = $state<string | null>(null);
	passkeys = $state(false);

	/** Opens the device key silently; under a passphrase or passkey, waits for the user. */
	async open(): Promise<void> {
		void passkeysOffered().then((offered) => (this.passkeys = offered));
		try {
			await dataKey();
			this.method = (await vaultState()).method;
			this.status = 'unlocked';
		} catch (error) {
			if (isVaultError(error, 'LOCKED')) {
				this.method = (await vaultState()).method;
				this.status = 'locked';
			} else {
				this.failure = error instanceof Error ? error.message : String(error);
				this.status = 'error';
			}
		}
	}

	async #attempt(action: () => Promise<void>): Promise<boolean> {
		this.busy = true;
		this.error = null;
		try {
			await action();
			this.method = (await vaultState()).method;
			this.status = 'unlocked';
			return true;
		} catch (error) {
			if (!isVaultError(error)) throw error;
			this.error = error.code;
			return false;
		} finally {
			this.busy = false;
		}
	}

	unlock(passphrase: string): Promise<boolean> {
		return this.#attempt(() => unlockWithPassphrase(passphrase));
	}

	unlockWithPasskey(): Promise<boolean> {
		return this.#attempt(unlockWithPasskey);
	}

	usePassphrase(passphrase: string, confirmation: string): Promise<boolean> {
		return this.#attempt(() => usePassphrase(passphrase, confirmation));
	}

	usePasskey(): Promise<boolean> {
		return this.#attempt(usePasskey);
	}

	useDeviceKey(): Promise<boolean> {
		return this.#attempt(useDeviceKey);
	}

	lock(): void {
		lock();
		this.error = null;
		this.status = this.method === 'device' ? 'unlocked' : 'locked';
	}

	/** After "erase everything": no key until the next use creates one (reading it now would recreate it). */
	erased(): void {
		this.method = null;
		this.error = null;
	}
}

export const vaultView = new VaultView();
