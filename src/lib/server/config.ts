import { PROFILE } from '../core/defaults';
import { EMBEDDER_IDS, isEmbedderId, type EmbedderId } from '../core/embedders';
import { config as loadDotenv } from 'dotenv';
import path from 'node:path';
import { CoreError } from '../core/errors';
import { isLivenessAction, LIVENESS_ACTIONS, type LivenessAction } from '../core/liveness/actions';

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
	embedder: EmbedderId | null;
	dbPath: string;
	/** postgres://… switches the store (everything replicas share) to PostgreSQL; null = SQLite at dbPath. */
	databaseUrl: string | null;
	/**
	 * PG_VECTOR_INDEX=on: on PostgreSQL with pgvector, person templates are also kept as PLAINTEXT vectors with
	 * HNSW indexes and 1:N reads its candidates from them (README, "When a vector index is worth it").
	 */
	pgVectorIndex: boolean;
	/** People the vector index returns per face, among which the matcher decides (PG_VECTOR_CANDIDATES). */
	pgVectorCandidates: number;
	/** HNSW's search list length per query (PG_VECTOR_EF_SEARCH, 2-1000): higher is closer to exact, slower. */
	pgVectorEfSearch: number;
	jwtSecret: string | null;
	jwtTtlSeconds: number;
	loginMaxFailures: number;
	loginWindowSeconds: number;

	// --- people and face login (issue 4) ---
	/** Embedder for 1:N recognition and face login; thresholds are calibrated per embedder (gallery/thresholds). */
	peopleEmbedder: EmbedderId;
	/** Run the flip chip of the default embedder on a second thread (FLIP_WORKER=off keeps it on one). */
	flipWorker: boolean;
	// --- security (issue 8) ---
	/** Secrets file (template key, generated JWT secret), mode 0600, never in the database. */
	secretsPath: string;
	/** base64 AES-256 key for templates; overrides the secrets file's. */
	templateKey: string | null;
	/** base64 keys still accepted for reading during a rotation. */
	templateKeysPrevious: string[];
	/** Scopes callers get without a key (explicit opt-outs; `manage` is never allowed). */
	publicScopes: ApiScope[];
	/** Peers whose X-Forwarded-For is believed. */
	trustedProxies: string[];
	/** Origins besides the server's own that may post forms (CSRF check). */
	allowedOrigins: string[];
	/** Host names the server answers to besides IP literals and localhost (ALLOWED_HOSTS, ORIGIN's); `*`: any. */
	allowedHosts: string[];
	loginMaxPerAccount: number;
	/** New face-login users per client (address or API key) per hour; operators are not counted. */
	signupMaxPerHour: number;
	enrolmentTtlSeconds: number;
	/** Heavy requests (face work) run at most this many at once per worker, with this many waiting. */
	heavyConcurrency: number;
	heavyQueue: number;
	/** How long a statement waits for another worker's lock before answering 503 (it blocks the event loop). */
	dbBusyTimeoutMs: number;
	// --- liveness (issue 9) ---
	/** Face login needs a passed challenge (`required`), takes one when sent (`optional`) or a photo (`off`). */
	loginLiveness: LivenessMode;
	verifyLiveness: LivenessMode;
	enrolLiveness: LivenessMode;
	/** Actions challenges may ask for (LIVENESS_ACTIONS, comma-separated; default all six). */
	livenessActions: LivenessAction[];
	livenessStepMs: number;
	livenessTtlSeconds: number;
	/** Body limit of a request carrying a challenge's frames. */
	livenessMaxMb: number;
}

/** An unusable environment variable: the operator's mistake, never the client's (500 CONFIG_INVALID, exit 78 at start). */
export function configError(message: string): CoreError {
	return new CoreError('CONFIG_INVALID', message);
}

/** `off` accepts a single photo (unsafe: a photo of the person passes); see README "Liveness". */
export const LIVENESS_MODES = ['required', 'optional', 'off'] as const;
export type LivenessMode = (typeof LIVENESS_MODES)[number];

function livenessModeFrom(env: NodeJS.ProcessEnv, key: string, fallback: LivenessMode): LivenessMode {
	const raw = env[key]?.trim().toLowerCase();
	if (!raw) return fallback;
	if (!(LIVENESS_MODES as readonly string[]).includes(raw))
		throw configError(`${key} must be one of ${LIVENESS_MODES.join(', ')}, not '${raw}'.`);
	return raw as LivenessMode;
}

function livenessActionsFrom(env: NodeJS.ProcessEnv): LivenessAction[] {
	const listed = listFrom(env, 'LIVENESS_ACTIONS');
	if (listed.length === 0) return [...LIVENESS_ACTIONS];
	for (const action of listed) {
		if (!isLivenessAction(action))
			throw configError(`LIVENESS_ACTIONS: '${action}' is not one of ${LIVENESS_ACTIONS.join(', ')}.`);
	}
	if (new Set(listed).size < 2) throw configError('LIVENESS_ACTIONS needs at least two actions.');
	return [...new Set(listed)] as LivenessAction[];
}

export const API_SCOPES = ['verify', 'recognize', 'manage'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

function listFrom(env: NodeJS.ProcessEnv, key: string): string[] {
	return (env[key] ?? '')
		.split(',')
		.map((item) => item.trim())
		.filter(Boolean);
}

/** ALLOWED_HOSTS, plus the host of adapter-node's ORIGIN (the public address it is told it has). */
function allowedHostsFrom(env: NodeJS.ProcessEnv): string[] {
	// Each as the URL parser writes a Host header's name (lower case, punycode, no trailing dot), or it never matches.
	const hosts = listFrom(env, 'ALLOWED_HOSTS').map((entry) => {
		if (entry === '*') return entry;
		const parsed = /^[^/:?#@\s]+$/.test(entry) ? URL.parse(`http://${entry}`) : null;
		if (!parsed)
			throw configError(
				`ALLOWED_HOSTS: '${entry.slice(0, 80)}' is not a host name (no scheme, port or path).`
			);
		return parsed.hostname.replace(/\.$/, '');
	});
	if (env.ORIGIN) {
		const origin = URL.parse(env.ORIGIN);
		if (!origin) throw configError(`ORIGIN is not a URL: ${env.ORIGIN.slice(0, 80)}`);
		hosts.push(origin.hostname.replace(/\.$/, ''));
	}
	return [...new Set(hosts)];
}

function publicScopesFrom(env: NodeJS.ProcessEnv): ApiScope[] {
	const scopes = listFrom(env, 'PUBLIC_SCOPES');
	for (const scope of scopes) {
		if (scope !== 'verify' && scope !== 'recognize') {
			throw configError(`PUBLIC_SCOPES may only hold verify and recognize, not '${scope}'.`);
		}
	}
	return scopes as ApiScope[];
}

function numberFrom(env: NodeJS.ProcessEnv, key: string, fallback: number, min = 0): number {
	const raw = env[key];
	if (raw === undefined || raw.trim() === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min) {
		throw configError(`Environment variable ${key}=${raw} is not a number >= ${min}.`);
	}
	return value;
}

function databaseUrlFrom(env: NodeJS.ProcessEnv): string | null {
	const url = env.DATABASE_URL?.trim();
	if (!url) return null;
	if (!/^postgres(ql)?:\/\//i.test(url)) {
		throw configError('DATABASE_URL must be a postgres:// URL (leave it unset for SQLite at DB_PATH).');
	}
	return url;
}

/** An embedder id (null when unset): a typo must stop the start, not fail the first request. */
function embedderFrom(env: NodeJS.ProcessEnv, key: string): EmbedderId | null {
	const raw = env[key]?.trim();
	if (!raw) return null;
	if (!isEmbedderId(raw))
		throw configError(`${key}: unknown embedder "${raw}" (one of ${EMBEDDER_IDS.join(', ')}).`);
	return raw;
}

/** An explicit on/off setting (off when unset). */
function onOff(env: NodeJS.ProcessEnv, key: string): boolean {
	const raw = env[key]?.trim().toLowerCase() ?? '';
	if (raw === '' || raw === 'off') return false;
	if (raw === 'on') return true;
	throw configError(`Environment variable ${key}=${env[key]} must be 'on' or 'off'.`);
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
	const threshold = env.VERIFY_THRESHOLD?.trim() ? numberFrom(env, 'VERIFY_THRESHOLD', 0.5) : null;
	if (threshold !== null && threshold > 1) throw configError('VERIFY_THRESHOLD must be in [0, 1].');
	return {
		nodeEnv: env.NODE_ENV ?? 'development',
		modelPath: path.resolve(env.MODEL_PATH ?? PROFILE.modelPath),
		verifyThreshold: threshold,
		maxContentMb: numberFrom(env, 'MAX_CONTENT_MB', PROFILE.maxContentMb, 0.001),
		maxImagePixels: numberFrom(env, 'MAX_IMAGE_PIXELS', 50_000_000, 1),
		maxImageSide: numberFrom(env, 'MAX_IMAGE_SIDE', PROFILE.maxImageSide, 64),
		embedder: embedderFrom(env, 'EMBEDDER'),
		dbPath: path.resolve(env.DB_PATH ?? 'data/me-verifier.db'),
		databaseUrl: databaseUrlFrom(env),
		pgVectorIndex: onOff(env, 'PG_VECTOR_INDEX'),
		pgVectorCandidates: Math.round(numberFrom(env, 'PG_VECTOR_CANDIDATES', 16, 2)),
		pgVectorEfSearch: Math.min(1000, Math.round(numberFrom(env, 'PG_VECTOR_EF_SEARCH', 200, 2))),
		jwtSecret: env.JWT_SECRET?.trim() || null,
		jwtTtlSeconds: numberFrom(env, 'JWT_TTL', 900, 1),
		// Attempts, not only failures: each is counted before any face work and a success gives none back.
		loginMaxFailures: numberFrom(env, 'LOGIN_MAX_ATTEMPTS', numberFrom(env, 'LOGIN_MAX_FAILURES', 5, 1), 1),
		loginWindowSeconds: numberFrom(env, 'LOGIN_WINDOW_SECONDS', 300, 1),

		// --- people and face login (issue 4) ---
		peopleEmbedder: embedderFrom(env, 'PEOPLE_EMBEDDER') ?? PROFILE.peopleEmbedder,
		flipWorker: env.FLIP_WORKER?.trim().toLowerCase() !== 'off',
		// --- security (issue 8) ---
		secretsPath: path.resolve(
			env.SECRETS_PATH ??
				path.join(path.dirname(path.resolve(env.DB_PATH ?? 'data/me-verifier.db')), 'secrets.json')
		),
		templateKey: env.TEMPLATE_KEY?.trim() || null,
		templateKeysPrevious: listFrom(env, 'TEMPLATE_KEYS_PREVIOUS'),
		publicScopes: publicScopesFrom(env),
		trustedProxies: listFrom(env, 'TRUSTED_PROXIES'),
		allowedOrigins: listFrom(env, 'ALLOWED_ORIGINS'),
		allowedHosts: allowedHostsFrom(env),
		loginMaxPerAccount: numberFrom(env, 'LOGIN_MAX_PER_ACCOUNT', 10, 1),
		signupMaxPerHour: numberFrom(env, 'SIGNUP_MAX_PER_HOUR', 20, 1),
		enrolmentTtlSeconds: numberFrom(env, 'ENROLMENT_TTL', 900, 1),
		heavyConcurrency: numberFrom(env, 'HEAVY_CONCURRENCY', 2, 1),
		heavyQueue: numberFrom(env, 'HEAVY_QUEUE', 8, 0),
		dbBusyTimeoutMs: numberFrom(env, 'DB_BUSY_TIMEOUT_MS', 250, 0),
		// --- liveness (issue 9) ---
		loginLiveness: livenessModeFrom(env, 'LOGIN_LIVENESS', 'required'),
		verifyLiveness: livenessModeFrom(env, 'VERIFY_LIVENESS', 'optional'),
		enrolLiveness: livenessModeFrom(env, 'ENROL_LIVENESS', 'optional'),
		livenessActions: livenessActionsFrom(env),
		livenessStepMs: numberFrom(env, 'LIVENESS_STEP_MS', 4000, 1000),
		livenessTtlSeconds: numberFrom(env, 'LIVENESS_TTL', 40, 5),
		livenessMaxMb: numberFrom(env, 'LIVENESS_MAX_MB', 8, 0.1)
	};
}

/**
 * `.env` (never overriding a variable already set), then the environment: what the server reads once at start
 * (hooks `init`, which builds the services from it) and what the commands read. Tests call `readConfig(env)`.
 */
export function loadConfig(): ServerConfig {
	loadDotenv({ quiet: true });
	return readConfig(process.env);
}
