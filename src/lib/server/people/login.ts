import { CoreError, isCoreError } from '../../core/errors';
import { loginPolicyFor, matchFace } from '../../core/gallery';
import { detectFaces } from '../../core/pipeline';
import { getLoginLimiter, getTokenService, tokenFromAuthorization, type TokenClaims } from '../auth';
import { getConfig } from '../config';
import { getDatabase, UsersRepository, type UserRow } from '../db';
import { statusFor } from '../http';
import type { Upload } from '../http';
import { getPeopleEngine, modelOf } from './engine';
import { decodeUpload, embedEnrolmentPhotos, type Rejected } from './faces';
import { MAX_ENROLMENT_PHOTOS, validateName } from './registry';

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
	if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
		throw new CoreError('BAD_REQUEST', `'${email.slice(0, 60)}' is not an e-mail address.`);
	}
	return email;
}

function users(): UsersRepository {
	return new UsersRepository(getDatabase());
}

/** POST /registro-datos */
export function createUser(nombre: string, correo: string): UserView {
	const name = validateName(nombre, 'nombre');
	return userView(users().create(name, validateEmail(correo)));
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

/**
 * POST /registro-imagenes/{id}: at least three photos with exactly one face each become the user's
 * template, replacing the previous one; with fewer usable photos nothing changes.
 */
export async function enrolUserFaces(userId: number, uploads: readonly Upload[]): Promise<EnrolResult> {
	const repo = users();
	if (!repo.get(userId)) throw new CoreError('NOT_FOUND', `No user with id ${userId}.`);
	if (uploads.length > MAX_ENROLMENT_PHOTOS) {
		throw new CoreError('BAD_REQUEST', `Send at most ${MAX_ENROLMENT_PHOTOS} images per request.`);
	}
	const engine = await getPeopleEngine();
	const { accepted, rejected } = await embedEnrolmentPhotos(engine, uploads, getConfig());
	if (accepted.length < MIN_LOGIN_PHOTOS) {
		throw new CoreError(
			'NOT_ENOUGH_DATA',
			`${accepted.length} of ${uploads.length} images showed exactly one usable face; ` +
				`${MIN_LOGIN_PHOTOS} are needed. Nothing was stored.`,
			{ public: { rejected } }
		);
	}
	repo.replaceEmbeddings(userId, accepted, modelOf(engine));
	return { id: userId, faces_used: accepted.length, rejected };
}

export interface LoginResult {
	token: string;
	token_type: 'Bearer';
	expires_in: number;
	user: UserView;
	confidence: number;
}

/** Failures that count towards the rate limit: the client's own, not the server's. */
function countsAsFailure(error: unknown): boolean {
	return isCoreError(error) && statusFor(error.code) < 500;
}

/**
 * POST /autenticacion: the one face in the photo matched 1:N against enrolled users with the stricter
 * login policy. Blocked clients are refused before any face work; every failed attempt counts.
 */
export async function loginWithFace(
	clientKey: string,
	readPhoto: () => Promise<Uint8Array>
): Promise<LoginResult> {
	const limiter = getLoginLimiter();
	limiter.assertAllowed(clientKey);
	try {
		const bytes = await readPhoto();
		const engine = await getPeopleEngine();
		const image = await decodeUpload(bytes, getConfig());
		const faces = await detectFaces(engine, image);
		if (faces.length === 0) throw new CoreError('NO_FACE', 'No face was detected in the image.');
		if (faces.length > 1)
			throw new CoreError('MULTIPLE_FACES', 'More than one face: log in alone in the photo.');
		const embedding = await engine.embed(image, faces[0]);
		const repo = users();
		const match = matchFace(embedding, repo.templates(modelOf(engine)), loginPolicyFor(engine.info.embedder));
		const user = match.status === 'known' ? repo.get(Number(match.person.id)) : null;
		if (match.status !== 'known' || !user) throw new CoreError('UNAUTHORIZED', 'Face not recognised.');
		const tokens = getTokenService();
		const { token } = await tokens.sign({ id: user.id, email: user.email });
		limiter.reset(clientKey);
		return {
			token,
			token_type: 'Bearer',
			expires_in: tokens.ttlSeconds,
			user: userView(user),
			confidence: Number(match.person.score.toFixed(4))
		};
	} catch (error) {
		if (countsAsFailure(error)) limiter.recordFailure(clientKey);
		throw error;
	}
}

/** The claims of the request's token: `Authorization: Bearer <token>` or the bare token; 401 otherwise. */
export async function requireToken(authorization: string | null): Promise<TokenClaims> {
	return getTokenService().verify(tokenFromAuthorization(authorization));
}

/** PUT /actualizar-perfil: the token's user changes name and/or e-mail. */
export async function updateProfile(
	claims: TokenClaims,
	changes: { nombre?: string; correo?: string }
): Promise<{ user: UserView }> {
	const update: { name?: string; email?: string } = {};
	if (changes.nombre?.trim()) update.name = validateName(changes.nombre, 'nombre');
	if (changes.correo?.trim()) update.email = validateEmail(changes.correo);
	if (!update.name && !update.email) {
		throw new CoreError('BAD_REQUEST', "Send 'nombre' and/or 'correo' to update.");
	}
	const repo = users();
	if (!repo.get(claims.userId))
		throw new CoreError('UNAUTHORIZED', 'The token belongs to a user that no longer exists.');
	return { user: userView(repo.update(claims.userId, update)) };
}
