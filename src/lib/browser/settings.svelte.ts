import { DEFAULT_CHALLENGE_POLICY, POSE_ACTIONS, type ChallengePolicy } from '../core/liveness';
import { DEFAULT_QUALITY, type QualityThresholds } from '../core/quality';

/**
 * User settings kept in localStorage (small, synchronous, read before the engine starts). Nothing secret: the
 * server mode's API key is sealed in IndexedDB (server-key.ts); older versions kept it here, in CLEAR_KEY_FIELD.
 */

const STORAGE_KEY = 'me-verifier.settings';
const CLEAR_KEY_FIELD = 'serverApiKey';

export interface SettingsValues {
	/** Opt-in: keep a small face thumbnail with each sample (off: only embeddings are stored). */
	keepThumbnails: boolean;
	quality: QualityThresholds;
	/** Frames taken by the camera's burst mode. */
	burstFrames: number;
	/** Milliseconds between burst frames. */
	burstIntervalMs: number;
	/** Camera verification and guided enrolment ask for a live challenge (random head and face actions). */
	liveness: boolean;
	/** 'head': head movements only, for people who cannot blink or open the mouth on request. */
	livenessActions: 'all' | 'head';
}

export const DEFAULT_SETTINGS: SettingsValues = {
	keepThumbnails: false,
	quality: DEFAULT_QUALITY,
	burstFrames: 10,
	burstIntervalMs: 400,
	liveness: true,
	livenessActions: 'all'
};

function stored(): Record<string, unknown> {
	const saved: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
	return saved && typeof saved === 'object' ? (saved as Record<string, unknown>) : {};
}

/** The server API key an older version stored here in clear, until server-key.ts seals it; null when none. */
export function clearServerKey(): string | null {
	if (typeof localStorage === 'undefined') return null;
	try {
		const key = stored()[CLEAR_KEY_FIELD];
		return typeof key === 'string' ? key : null;
	} catch {
		return null;
	}
}

/** Deletes that clear key from localStorage (once it is sealed), keeping the other settings. */
export function forgetClearServerKey(): void {
	if (clearServerKey() === null) return;
	const { [CLEAR_KEY_FIELD]: _gone, ...rest } = stored();
	localStorage.setItem(STORAGE_KEY, JSON.stringify(rest));
}

function load(): SettingsValues {
	if (typeof localStorage === 'undefined') return structuredClone(DEFAULT_SETTINGS);
	try {
		const { [CLEAR_KEY_FIELD]: _secret, ...rest } = stored();
		const saved = rest as Partial<SettingsValues>;
		return {
			...DEFAULT_SETTINGS,
			...saved,
			quality: { ...DEFAULT_SETTINGS.quality, ...(saved.quality ?? {}) }
		};
	} catch {
		return structuredClone(DEFAULT_SETTINGS);
	}
}

class Settings {
	values = $state<SettingsValues>(load());

	save(): void {
		// A clear key not sealed yet stays until it is: dropping it here would lose it.
		const pending = clearServerKey();
		const values = pending === null ? this.values : { ...this.values, [CLEAR_KEY_FIELD]: pending };
		localStorage.setItem(STORAGE_KEY, JSON.stringify(values));
	}

	reset(): void {
		this.values = structuredClone(DEFAULT_SETTINGS);
		this.save();
	}
}

export const settings = new Settings();

/** The challenge policy the user's settings ask for: every action, or head movements only. */
export function challengePolicy(values: Pick<SettingsValues, 'livenessActions'>): ChallengePolicy {
	return values.livenessActions === 'head'
		? { ...DEFAULT_CHALLENGE_POLICY, allowed: POSE_ACTIONS }
		: DEFAULT_CHALLENGE_POLICY;
}
