import { CoreError } from '../../core/errors';
import type { FaceEngine } from '../../core/face-engine';
import {
	checkLiveness,
	failureBeforeFaces,
	createChallenge,
	createEnrolmentChallenge,
	sameFaceThreshold,
	type LivenessResult
} from '../../core/liveness';
import type { LivenessAction } from '../../core/liveness/actions';
import type { LivenessMode, ServerConfig } from '../config';
import type { Store } from '../db';
import { checkImage, decodeImage } from '../decode';
import { mbToBytes, type Upload } from '../http';
import { AttemptLimiter, MemoryAttemptStore } from '../auth/rate-limit';
import { ChallengeSigner, type LivenessPurpose, type SignedChallenge } from './challenge-token';

export { LIVENESS_PURPOSES, type LivenessPurpose, type SignedChallenge } from './challenge-token';

/** Frames are sent at about 480 px; anything larger is scaled down before detection. */
const FRAME_MAX_SIDE = 640;
/**
 * A frame larger than a 4:3 camera's 2048 x 1536 (3.1 MP; Full HD is 2.1) is refused before any frame is decoded:
 * up to 160 frames of 16 MP each held a face slot for about 20 s (an attacker's pass). The app sends about 480 px.
 */
export const FRAME_MAX_PIXELS = 2048 * 1536;
/** Carries the signed challenge instead of the `challenge` form field (the header wins). */
export const CHALLENGE_HEADER = 'x-liveness-challenge';

export { ChallengeSigner } from './challenge-token';

/** What issuing and spending challenges needs: the settings, the signer, and the store that records spent nonces. */
export interface ChallengeContext {
	config: ServerConfig;
	challenges: ChallengeSigner;
	store: Store;
}

export interface IssuedChallenge {
	/** The signed challenge to send back with the frames (field `challenge` or header X-Liveness-Challenge). */
	challenge: string;
	nonce: string;
	actions: LivenessAction[];
	step_ms: number;
	issued_at: number;
	expires_at: number;
}

/** POST /liveness/challenge: a fresh random challenge for one use, signed; nothing is stored until it is spent. */
export function issueChallenge(
	{ config, challenges }: Pick<ChallengeContext, 'config' | 'challenges'>,
	purpose: LivenessPurpose
): IssuedChallenge {
	const policy = {
		count: 3,
		allowed: config.livenessActions,
		stepMs: config.livenessStepMs,
		ttlMs: config.livenessTtlSeconds * 1000
	};
	// An enrolment is a guided capture: every head movement, in a random order, and a blink.
	const challenge =
		purpose === 'enrol' ? createEnrolmentChallenge(Date.now(), policy) : createChallenge(Date.now(), policy);
	return {
		challenge: challenges.sign({ ...challenge, purpose }),
		nonce: challenge.nonce,
		actions: challenge.actions,
		step_ms: challenge.stepMs,
		issued_at: challenge.issuedAt,
		expires_at: challenge.expiresAt
	};
}

/** Challenges per client per minute: plenty for retries, too few to fill the nonce table. */
const CHALLENGES_PER_MINUTE = 30;

/** Per worker, in memory: issuing costs one HMAC, so a shared count is not worth a database write. */
export function createChallengeLimiter(): AttemptLimiter {
	return new AttemptLimiter({
		maxAttempts: CHALLENGES_PER_MINUTE,
		windowSeconds: 60,
		store: new MemoryAttemptStore(),
		what: 'liveness challenges'
	});
}

/** The liveness part of a request: the signed challenge, the frames in capture order and their capture times. */
export interface LivenessUpload {
	challenge: string;
	frames: Upload[];
	times: number[];
}

/** Body limit of a request that may carry a challenge's frames (they are many small JPEGs). */
export function livenessBodyLimit(config: ServerConfig): number {
	return mbToBytes(Math.max(config.maxContentMb, config.livenessMaxMb));
}

/** Says at start what each use-case demands; `off` is unsafe and is logged as a warning. */
export function livenessWarnings(config: ServerConfig): string[] {
	const modes: [string, LivenessMode][] = [
		['LOGIN_LIVENESS', config.loginLiveness],
		['VERIFY_LIVENESS', config.verifyLiveness],
		['ENROL_LIVENESS', config.enrolLiveness]
	];
	return modes
		.filter(([, mode]) => mode === 'off')
		.map(
			([name]) =>
				`${name}=off: a single photo is accepted, so a printed or on-screen photo of the person passes (unsafe).`
		);
}

function failed(message: string, failure: string, extra: Record<string, unknown> = {}): CoreError {
	return new CoreError('LIVENESS_FAILED', message, {
		public: { liveness: { passed: false, failure, ...extra } }
	});
}

/**
 * Checks the signature, purpose and expiry, then spends the nonce, atomically in the store every worker
 * and replica shares: a second use fails however fast it comes. Cheap: call it before queueing face work.
 */
export async function spendChallenge(
	{ challenges, store }: Pick<ChallengeContext, 'challenges' | 'store'>,
	token: string,
	purpose: LivenessPurpose
): Promise<SignedChallenge> {
	const now = Date.now();
	const challenge = challenges.verify(token);
	if (!challenge) throw failed('The liveness challenge is not one this server issued.', 'invalid_challenge');
	if (challenge.purpose !== purpose)
		throw failed(`This challenge was issued for ${challenge.purpose}, not ${purpose}.`, 'invalid_challenge');
	if (now > challenge.expiresAt)
		throw failed('The liveness challenge expired; ask for a new one.', 'expired');
	const key = `liveness-nonce:${challenge.nonce}`;
	// Recorded no earlier than the issue time, where the single-use check looks: a replica whose clock is
	// behind the issuer's would otherwise record the spend before `issuedAt - 1`, and every replay passed.
	const spent = await store.attempts.tryAdd(
		key,
		Math.max(now, challenge.issuedAt),
		challenge.issuedAt - 1,
		1
	);
	if (!spent.added) throw failed('This liveness challenge was already used; ask for a new one.', 'reused');
	return challenge;
}

/**
 * Decodes the frames and runs the core liveness check (the same function the browser and the evaluation
 * run). Throws LIVENESS_FAILED (401) with the reason and the step; returns the result with its decision frame.
 */
export async function checkUploadedFrames(
	engine: FaceEngine,
	challenge: SignedChallenge,
	upload: LivenessUpload
): Promise<LivenessResult> {
	const refused = (why: string, step: number | null) =>
		failed(`Liveness check failed: ${why.replaceAll('_', ' ')}.`, why, {
			step,
			action: step === null ? null : challenge.actions[step]
		});
	// Before any decoding: made-up frame times must not cost face work (the core checks them again).
	const early = failureBeforeFaces(challenge, upload.times, { now: Date.now() });
	if (early) throw refused(early, null);
	// Every frame's size from its header before any is decoded: one oversized frame costs nothing to refuse.
	const headers = [];
	for (const file of upload.frames) headers.push(await checkImage(file.bytes, FRAME_MAX_PIXELS));
	const frames = [];
	for (const [i, file] of upload.frames.entries()) {
		const image = await decodeImage(file.bytes, {
			maxSide: FRAME_MAX_SIDE,
			maxPixels: FRAME_MAX_PIXELS,
			checked: headers[i]
		});
		frames.push({ t: upload.times[i], image });
	}
	const result = await checkLiveness(engine, challenge, frames, {
		now: Date.now(),
		sameFaceThreshold: sameFaceThreshold(engine.info)
	});
	if (!result.passed) throw refused(result.failure ?? 'failed', result.failedStep);
	return result;
}

/** The public summary of a passed check that answers carry. */
export function livenessSummary(result: LivenessResult): {
	passed: true;
	actions: LivenessAction[];
	frames: number;
} {
	return { passed: true, actions: result.steps.map((s) => s.action), frames: result.track.length };
}
