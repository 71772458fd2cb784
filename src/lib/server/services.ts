import type { FaceEngine } from '../core/face-engine';
import {
	createLoginLimiters,
	createHourlyLimiter,
	createTokenService,
	jwtSecretOf,
	type AttemptLimiter,
	type LoginLimiters,
	type TokenService
} from './auth';
import type { ServerConfig } from './config';
import { openConfiguredStore, type Store } from './db';
import { ChallengeSigner, createChallengeLimiter } from './liveness';
import { peopleEngine } from './people/people-engine';
import { Verifier } from './verifier';
import { WorkQueue } from './work-queue';

/**
 * Everything a request needs, built once from one configuration: the composition root of the server. Hooks
 * `init` builds it (hooks.server.ts), `handle` puts it on `event.locals.services`, and `endpoint()` hands it
 * to every route as `services`. Nothing below reads the environment or keeps a module-level instance, so two
 * differently configured servers can live in one process (tests build their own with `createServices`).
 * The face engines are the exception: they come from the process's registry (node-engine.ts `engineFor`),
 * so the models load once per process whatever the number of services.
 */
export interface Services {
	readonly config: ServerConfig;
	/** Everything workers and replicas share: people, users, keys, attempts, spent challenges. */
	readonly store: Store;
	/** Signs and checks face-login JWTs. */
	readonly tokens: TokenService;
	/** Signs and checks liveness challenges (the same secret as the tokens, another derived key). */
	readonly challenges: ChallengeSigner;
	readonly limiters: {
		/** Face-login attempts per client and per account, in the store. */
		login: LoginLimiters;
		/** New face-login users per client per hour, in the store. */
		signup: AttemptLimiter;
		/**
		 * A user's changes of e-mail and new enrolment tokens, per hour (SIGNUP_MAX_PER_HOUR each): both answer
		 * questions about other people (a taken address; a face enrolled elsewhere), so neither may be asked in bulk.
		 */
		account: { emailChanges: AttemptLimiter; enrolmentTokens: AttemptLimiter };
		/** Liveness challenges per client per minute, in this worker's memory. */
		challenge: AttemptLimiter;
	};
	/** POST /verify and /healthz: the configured embedder's engine and the model file. */
	readonly verifier: Verifier;
	/** Face work of this worker: a few at once, a few waiting, then 503 BUSY. */
	readonly heavy: WorkQueue;
	/** The engine of PEOPLE_EMBEDDER (recognition and face login), from the process's registry. */
	peopleEngine(): Promise<FaceEngine>;
	/** Closes the store when these services opened it. */
	close(): Promise<void>;
}

export interface ServicesOptions {
	/** An already opened store (the server opens it with retries; tests may share one). */
	store?: Store;
	/** close() closes a given `store` too (a store the services open themselves is always theirs). */
	ownsStore?: boolean;
}

/**
 * Builds the services of one configuration. The JWT secret is resolved first: in production a weak
 * JWT_SECRET throws here (MissingSecretError) before anything is opened. Without `options.store` the
 * configured store is opened and migrated, and `close()` closes it.
 */
export async function createServices(config: ServerConfig, options: ServicesOptions = {}): Promise<Services> {
	const secret = jwtSecretOf(config);
	const tokens = createTokenService(config, secret);
	const challenges = new ChallengeSigner(secret);
	const owned = !options.store || options.ownsStore === true;
	const store = options.store ?? (await openConfiguredStore(config));
	return {
		config,
		store,
		tokens,
		challenges,
		limiters: {
			login: createLoginLimiters(config, store.attempts),
			signup: createHourlyLimiter(config, store.attempts, 'new users from this client'),
			account: {
				emailChanges: createHourlyLimiter(config, store.attempts, 'e-mail changes for this user'),
				enrolmentTokens: createHourlyLimiter(config, store.attempts, 'enrolment tokens for this user')
			},
			challenge: createChallengeLimiter()
		},
		verifier: new Verifier(config),
		heavy: new WorkQueue(config.heavyConcurrency, config.heavyQueue),
		peopleEngine: () => peopleEngine(config),
		close: async () => {
			if (owned) await store.close();
		}
	};
}
