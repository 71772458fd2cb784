import { randomBytes, randomInt } from 'node:crypto';
import type { FaceEngine } from '../../core/face-engine';
import { CoreError, isCoreError } from '../../core/errors';
import type { Embedding } from '../../core/types';
import {
	loginPolicyFor,
	enrolmentConflictBar,
	matchFace,
	shadowedPerson,
	statedOperatingPoint,
	type StatedOperatingPoint
} from '../../core/gallery';
import { requireOneFace } from '../../core/use-cases/one-face';
import { tokenFromAuthorization, type LoginLimiters, type TokenClaims } from '../auth';
import { hashApiKey } from '../auth/api-keys';
import type { NewEmbedding, UserRow } from '../db';
import { NOT_YOUR_ENROLMENT } from '../db/users';
import type { Upload } from '../http';
import { enrolmentFrames } from '../../core/liveness';
import {
	checkUploadedFrames,
	livenessSummary,
	spendChallenge,
	type LivenessUpload,
	type SignedChallenge
} from '../liveness';
import type { Services } from '../services';
import { modelOf } from './people-engine';
import { decodeUpload } from '../decode';
import { embedEnrolmentPhotos, type Rejected } from './faces';
import { assertShowable, MAX_ENROLMENT_PHOTOS, validateName } from './registry';

/** Face login (seed 003): the seed's Spanish routes and field names, answered in its shapes. */

export const MIN_LOGIN_PHOTOS = 3;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface UserView {
	id: number;
	nombre: string;
	correo: string;
}

function userView(user: UserRow): UserView {
	return { id: user.id, nombre: user.name, correo: user.email };
}

function validateEmail(raw: string): string {
	const email = raw.trim();
	if (!email) throw new CoreError('BAD_REQUEST', "Missing field 'correo'.");
	assertShowable(email, 'correo');
	if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
		throw new CoreError('BAD_REQUEST', `'${email.slice(0, 60)}' is not an e-mail address.`);
	}
	return email;
}

/** Enrolment tokens are 32 random bytes, like API keys: the same fast hash serves (nothing to brute-force). */
const hashToken = hashApiKey;

function newEnrolmentToken(): string {
	return `enr_${randomBytes(32).toString('base64url')}`;
}

export interface EnrolmentGrant {
	enrolment_token: string;
	/** Seconds the token stays valid; it works once. */
	enrolment_expires_in: number;
}

/** A fresh single-use enrolment token for the user (replacing any earlier one); only its hash is stored. */
async function grantEnrolment(services: Services, userId: number): Promise<EnrolmentGrant> {
	const ttl = services.config.enrolmentTtlSeconds;
	const token = newEnrolmentToken();
	await services.store.users.setEnrolmentToken(userId, hashToken(token), Date.now() + ttl * 1000);
	return { enrolment_token: token, enrolment_expires_in: ttl };
}

/**
 * POST /registro-datos: the user, and once, the enrolment token that alone lets photos be added to them.
 * A taken e-mail gets the same answer and status with an id and token that lead nowhere, so strangers
 * cannot test which e-mails are registered; an operator (`manage` key) gets the honest 409.
 */
export async function createUser(
	services: Services,
	nombre: string,
	correo: string,
	operator = false
): Promise<UserView & EnrolmentGrant> {
	const name = validateName(nombre, 'nombre');
	const email = validateEmail(correo);
	try {
		const user = await services.store.users.create(name, email);
		return { ...userView(user), ...(await grantEnrolment(services, user.id)) };
	} catch (error) {
		if (operator || !isCoreError(error) || error.code !== 'CONFLICT') throw error;
		const ttl = services.config.enrolmentTtlSeconds;
		return {
			id: randomInt(1, 2 ** 48),
			nombre: name,
			correo: email,
			enrolment_token: newEnrolmentToken(),
			enrolment_expires_in: ttl
		};
	}
}

/** POST /registro-imagenes/{id}/token: a logged-in user asks for a new enrolment token to replace their template. */
export async function renewEnrolment(
	services: Services,
	claims: TokenClaims,
	userId: number
): Promise<EnrolmentGrant> {
	if (claims.userId !== userId) throw new CoreError('FORBIDDEN', 'A token only renews its own user.');
	// Each token buys one enrolment, whose 409 tells whether a face is enrolled elsewhere: counted, so a logged-in
	// user cannot renew and probe in a loop.
	await services.limiters.account.enrolmentTokens.reserve(`enrolment-token:${userId}`);
	return grantEnrolment(services, userId);
}

export function parseUserId(raw: string | undefined): number {
	const id = Number(raw);
	if (!raw || !/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id <= 0) {
		throw new CoreError('BAD_REQUEST', `'${raw ?? ''}' is not a user id.`);
	}
	return id;
}

export interface EnrolResult {
	id: number;
	faces_used: number;
	rejected: Rejected[];
}

/** Who may enrol photos: the user's own enrolment token, or an operator's `manage` key. */
export type EnrolCredential = { kind: 'operator' } | { kind: 'enrolment'; token: string };

const NOT_YOURS = NOT_YOUR_ENROLMENT;

/**
 * POST /registro-imagenes/{id}: at least three photos with exactly one face each become the user's
 * template, replacing the previous one; with fewer usable photos nothing changes. The credential is
 * checked before anything else, with one answer whether or not the id exists; the enrolment token is
 * used up in the same transaction that stores the template, so two parallel uploads cannot both use it.
 */
/**
 * Refuses a wrong credential (same answer whether or not the id exists), before the route reads the body
 * or takes a face slot: a stranger with a made-up token must not be able to hold the queue. Returns the
 * enrolment token's hash, which the enrolment then uses up.
 */
export async function assertEnrolCredential(
	services: Services,
	userId: number,
	credential: EnrolCredential
): Promise<string | null> {
	const repo = services.store.users;
	const tokenHash = credential.kind === 'enrolment' ? hashToken(credential.token) : null;
	if (tokenHash) {
		const user = await repo.get(userId);
		const valid =
			!!user && user.enrolment_hash === tokenHash && (user.enrolment_expires_ms ?? 0) > Date.now();
		if (!valid) throw new CoreError('UNAUTHORIZED', NOT_YOURS);
	} else if (!(await repo.get(userId))) {
		throw new CoreError('NOT_FOUND', `No user with id ${userId}.`);
	}
	return tokenHash;
}

/**
 * Stores a user's new template, replacing the old one; the enrolment token (if any) is used up in the same
 * transaction (UNAUTHORIZED, nothing stored, if it is gone). A template too close to another user's is refused first
 * (409, nothing stored): it would lock that user out of face login or let them in as this one (core
 * `shadowedPerson`). Only an operator hears whose it is (and the log says it); the token is used up all the same, so
 * each such probe costs a new sign-up or enrolment token (both rate-limited), and of parallel probes with one token
 * only the first hears 409.
 */
async function storeTemplate(
	services: Services,
	engine: FaceEngine,
	userId: number,
	faces: NewEmbedding[],
	enrolment: { tokenHash: string | null; operator: boolean }
): Promise<void> {
	const repo = services.store.users;
	const { tokenHash } = enrolment;
	const policy = loginPolicyFor(engine.info.embedder);
	const gallery = await repo.gallery(modelOf(engine));
	const vectors = faces.map((face) => face.vector);
	const shadowed = shadowedPerson(vectors, gallery, policy, String(userId), enrolmentConflictBar(policy));
	if (shadowed) {
		if (tokenHash && !(await repo.consumeEnrolmentToken(userId, tokenHash, Date.now())))
			throw new CoreError('UNAUTHORIZED', NOT_YOURS);
		console.warn(
			`[me-verifier] enrolment of user ${userId} refused: a face too close to user ${shadowed.id}'s (${shadowed.score.toFixed(3)})`
		);
		throw new CoreError(
			'CONFLICT',
			'A face of this enrolment is already enrolled for another user: face login could not tell the two apart. ' +
				'Nothing was stored.',
			enrolment.operator ? { public: { conflicting_user: Number(shadowed.id) } } : undefined
		);
	}
	await repo.replaceEmbeddings(userId, faces, modelOf(engine), {
		enrolmentHash: tokenHash,
		nowMs: Date.now()
	});
}

export async function enrolUserFaces(
	services: Services,
	userId: number,
	uploads: readonly Upload[],
	credential: EnrolCredential
): Promise<EnrolResult> {
	const tokenHash = await assertEnrolCredential(services, userId, credential);
	if (uploads.length > MAX_ENROLMENT_PHOTOS) {
		throw new CoreError('BAD_REQUEST', `Send at most ${MAX_ENROLMENT_PHOTOS} images per request.`);
	}
	const engine = await services.peopleEngine();
	const { accepted, rejected } = await embedEnrolmentPhotos(engine, uploads, services.config);
	if (accepted.length < MIN_LOGIN_PHOTOS) {
		throw new CoreError(
			'NOT_ENOUGH_DATA',
			`${accepted.length} of ${uploads.length} images showed exactly one usable face; ` +
				`${MIN_LOGIN_PHOTOS} are needed. Nothing was stored.`,
			{ public: { rejected } }
		);
	}
	await storeTemplate(services, engine, userId, accepted, {
		tokenHash,
		operator: credential.kind === 'operator'
	});
	return { id: userId, faces_used: accepted.length, rejected };
}

/**
 * POST /registro-imagenes/{id} with a guided capture: the frames of a passed `enrol` challenge (looking
 * straight, every head movement, a blink) enrol the frames that meet the quality limits, at least three.
 */
export async function enrolUserLive(
	services: Services,
	userId: number,
	challenge: SignedChallenge,
	upload: LivenessUpload,
	credential: EnrolCredential
): Promise<EnrolResult & { liveness: ReturnType<typeof livenessSummary> }> {
	const tokenHash = await assertEnrolCredential(services, userId, credential);
	const engine = await services.peopleEngine();
	const live = await checkUploadedFrames(engine, challenge, upload);
	const { accepted, rejected } = enrolmentFrames(live);
	if (accepted.length < MIN_LOGIN_PHOTOS) {
		throw new CoreError(
			'NOT_ENOUGH_DATA',
			`${accepted.length} poses of the capture met the quality limits; ${MIN_LOGIN_PHOTOS} are needed. Nothing was stored.`
		);
	}
	const embeddings = [];
	for (const frame of accepted) {
		const vector =
			frame.pose === 'straight' ? live.decision!.embedding : await engine.embed(frame.image, frame.face);
		embeddings.push({ vector, source: `live:${frame.pose}`, detectorScore: frame.face.score });
	}
	await storeTemplate(services, engine, userId, embeddings, {
		tokenHash,
		operator: credential.kind === 'operator'
	});
	return {
		id: userId,
		faces_used: embeddings.length,
		rejected: rejected.map((r) => ({
			file: `live:${r.pose}`,
			code: 'LOW_QUALITY',
			reason: r.issues.join(', ')
		})),
		liveness: livenessSummary(live)
	};
}

export interface LoginResult {
	token: string;
	token_type: 'Bearer';
	expires_in: number;
	user: UserView;
	confidence: number;
	/** The login threshold and the per-attempt false-accept rate it was calibrated for. */
	operating_point: StatedOperatingPoint;
	/** Present when the login passed a liveness challenge. */
	liveness?: ReturnType<typeof livenessSummary>;
}

/** What a login brings: one photo (only where LOGIN_LIVENESS allows it) or the frames of a challenge. */
export type LoginEvidence =
	{ kind: 'photo'; bytes: Uint8Array } | { kind: 'liveness'; upload: LivenessUpload };

/**
 * POST /autenticacion: the one face matched 1:N against enrolled users with the stricter login policy. By
 * default (LOGIN_LIVENESS=required) the face must come from the frames of a passed liveness challenge, and
 * the match is made on the challenge's decision frame. The attempt is counted for the client before any
 * face work (atomically, across workers) and never given back; a matched account has its own budget, so
 * many clients cannot hammer one user.
 */
export async function loginWithFace(
	services: Services,
	clientKey: string,
	readEvidence: () => Promise<LoginEvidence>
): Promise<LoginResult> {
	const limiters = services.limiters.login;
	const faceWork = <T>(work: () => Promise<T>) => services.heavy.run(work);
	await limiters.client.reserve(`client:${clientKey}`);
	// The body is read before a face slot is taken: a slow upload must not hold the queue.
	const evidence = await readEvidence();
	if (evidence.kind === 'photo') {
		if (services.config.loginLiveness === 'required') {
			throw new CoreError(
				'LIVENESS_REQUIRED',
				'Face login needs a liveness challenge: POST /liveness/challenge, then send its frames.'
			);
		}
		return faceWork(() => matchLogin(services, evidence.bytes));
	}
	// Spent before the queue, so a replayed challenge fails at once, however many copies are in flight.
	const challenge = await spendChallenge(services, evidence.upload.challenge, 'login');
	return faceWork(async () => {
		const engine = await services.peopleEngine();
		const live = await checkUploadedFrames(engine, challenge, evidence.upload);
		const result = await matchEmbedding(services, engine, live.decision!.embedding, limiters);
		return { ...result, liveness: livenessSummary(live) };
	});
}

async function matchLogin(services: Services, bytes: Uint8Array): Promise<LoginResult> {
	const engine = await services.peopleEngine();
	const image = await decodeUpload(bytes, services.config);
	// NO_FACE, or MULTIPLE_FACES when two faces of similar size leave it open who is logging in.
	const { embedding } = await requireOneFace(engine, image);
	return matchEmbedding(services, engine, embedding, services.limiters.login);
}

async function matchEmbedding(
	{ store, tokens }: Services,
	engine: FaceEngine,
	embedding: Embedding,
	limiters: LoginLimiters
): Promise<LoginResult> {
	const repo = store.users;
	const match = matchFace(
		embedding,
		await repo.gallery(modelOf(engine)),
		loginPolicyFor(engine.info.embedder)
	);
	const user = match.status === 'known' ? await repo.get(Number(match.person.id)) : null;
	if (match.status !== 'known' || !user) throw new CoreError('UNAUTHORIZED', 'Face not recognised.');
	await limiters.account.reserve(`account:${user.id}`);
	const { token } = await tokens.sign({ id: user.id, email: user.email, version: user.token_version });
	return {
		token,
		token_type: 'Bearer',
		expires_in: tokens.ttlSeconds,
		user: userView(user),
		confidence: Number(match.person.score.toFixed(4)),
		operating_point: statedOperatingPoint(engine.info.embedder, 'login')
	};
}

/**
 * The claims of the request's token (`Authorization: Bearer <token>` or the bare token), if it is still
 * current: a template change, a logout or the user's deletion revokes every token issued before. 401 otherwise.
 */
export async function requireToken(
	{ store, tokens }: Pick<Services, 'store' | 'tokens'>,
	authorization: string | null
): Promise<TokenClaims> {
	const claims = await tokens.verify(tokenFromAuthorization(authorization));
	const user = await store.users.get(claims.userId);
	if (!user || user.token_version !== claims.version) {
		throw new CoreError('UNAUTHORIZED', 'The token was revoked (logout, new enrolment or deleted user).');
	}
	return claims;
}

/** PUT /actualizar-perfil: the token's user changes name and/or e-mail. */
export async function updateProfile(
	services: Services,
	claims: TokenClaims,
	changes: { nombre?: string; correo?: string }
): Promise<{ user: UserView }> {
	const update: { name?: string; email?: string } = {};
	if (changes.nombre?.trim()) update.name = validateName(changes.nombre, 'nombre');
	if (changes.correo?.trim()) update.email = validateEmail(changes.correo);
	if (!update.name && !update.email) {
		throw new CoreError('BAD_REQUEST', "Send 'nombre' and/or 'correo' to update.");
	}
	const repo = services.store.users;
	const current = await repo.get(claims.userId);
	if (!current) throw new CoreError('UNAUTHORIZED', 'The token belongs to a user that no longer exists.');
	// A taken address answers 409: each try to move to another address counts, like a sign-up, so a logged-in
	// user cannot test a list of addresses for who is registered (an attacker's pass found it unlimited).
	if (update.email && update.email.toLowerCase() !== current.email.toLowerCase())
		await services.limiters.account.emailChanges.reserve(`email-change:${claims.userId}`);
	return { user: userView(await repo.update(claims.userId, update)) };
}

/** POST /logout: every token of the user stops working. */
export async function logout(services: Services, claims: TokenClaims): Promise<{ logged_out: true }> {
	await services.store.users.bumpTokenVersion(claims.userId);
	return { logged_out: true };
}

/** DELETE /usuarios/{id}: the user and every embedding of theirs, by themselves or an operator. */
export async function deleteUser(services: Services, userId: number): Promise<{ deleted: true; id: number }> {
	if (!(await services.store.users.delete(userId)))
		throw new CoreError('NOT_FOUND', `No user with id ${userId}.`);
	return { deleted: true, id: userId };
}
