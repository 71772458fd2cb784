import { DEFAULT_CHALLENGE_POLICY, POSE_ACTIONS, type ChallengePolicy } from '../core/liveness';
import { DEFAULT_QUALITY, type QualityThresholds } from '../core/quality';

/** User settings kept in localStorage (small, synchronous, read before the engine starts). */

const STORAGE_KEY = 'me-verifier.settings';

export interface SettingsValues {
	/** Opt-in: keep a small face thumbnail with each sample (off: only embeddings are stored). */
	keepThumbnails: boolean;
	quality: QualityThresholds;
	/** Frames taken by the camera's burst mode. */
	burstFrames: number;
	/** Milliseconds between burst frames. */
	burstIntervalMs: number;
	/** API key for the People page's server mode (scope `recognize`); kept on this device only. */
	serverApiKey: string;
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
	serverApiKey: '',
	liveness: true,
	livenessActions: 'all'
};

function load(): SettingsValues {
	if (typeof localStorage === 'undefined') return structuredClone(DEFAULT_SETTINGS);
	try {
		const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<SettingsValues>;
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
		localStorage.setItem(STORAGE_KEY, JSON.stringify(this.values));
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
