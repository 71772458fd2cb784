import { config as loadDotenv } from 'dotenv';
import path from 'node:path';
import { CoreError } from '../core/errors';

/** The only module that reads environment variables; everything else receives this object. */
export interface ServerConfig {
	nodeEnv: string;
	modelPath: string;
	/** Overrides the threshold stored in the model file when set. */
	verifyThreshold: number | null;
	maxContentMb: number;
	maxImagePixels: number;
	/** Longest side images are downscaled to before inference. */
	maxImageSide: number;
	embedder: string | null;
	dbPath: string;
	jwtSecret: string | null;
	jwtTtlSeconds: number;
	loginMaxFailures: number;
	loginWindowSeconds: number;

	// --- people and face login (issue 4) ---
	/** Embedder for 1:N recognition and face login; thresholds are calibrated per embedder (gallery/thresholds). */
	peopleEmbedder: string;
}

let cached: ServerConfig | null = null;

function numberFrom(env: NodeJS.ProcessEnv, key: string, fallback: number, min = 0): number {
	const raw = env[key];
	if (raw === undefined || raw.trim() === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min) {
		throw new CoreError('BAD_REQUEST', `Environment variable ${key}=${raw} is not a number >= ${min}.`);
	}
	return value;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
	const threshold = env.VERIFY_THRESHOLD?.trim() ? numberFrom(env, 'VERIFY_THRESHOLD', 0.5) : null;
	if (threshold !== null && threshold > 1)
		throw new CoreError('BAD_REQUEST', 'VERIFY_THRESHOLD must be in [0, 1].');
	return {
		nodeEnv: env.NODE_ENV ?? 'development',
		modelPath: path.resolve(env.MODEL_PATH ?? 'models/model.json'),
		verifyThreshold: threshold,
		maxContentMb: numberFrom(env, 'MAX_CONTENT_MB', 2, 0.001),
		maxImagePixels: numberFrom(env, 'MAX_IMAGE_PIXELS', 50_000_000, 1),
		maxImageSide: numberFrom(env, 'MAX_IMAGE_SIDE', 1280, 64),
		embedder: env.EMBEDDER?.trim() || null,
		dbPath: path.resolve(env.DB_PATH ?? 'data/me-verifier.db'),
		jwtSecret: env.JWT_SECRET?.trim() || null,
		jwtTtlSeconds: numberFrom(env, 'JWT_TTL', 900, 1),
		loginMaxFailures: numberFrom(env, 'LOGIN_MAX_FAILURES', 5, 1),
		loginWindowSeconds: numberFrom(env, 'LOGIN_WINDOW_SECONDS', 300, 1),

		// --- people and face login (issue 4) ---
		peopleEmbedder: env.PEOPLE_EMBEDDER?.trim() || 'faceres-bgr'
	};
}

/** Reads `.env` once, then the environment; tests may call `resetConfig()` after changing process.env. */
export function getConfig(): ServerConfig {
	if (!cached) {
		loadDotenv({ quiet: true });
		cached = readConfig();
	}
	return cached;
}

export function resetConfig(): void {
	cached = null;
}
