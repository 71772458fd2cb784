import { MAX_ENROLMENT_PHOTOS } from '../people/registry';
import type { ServerConfig } from '../config';
import { mbToBytes } from '../http';
import { CHALLENGE_HEADER, livenessBodyLimit } from '../liveness';
import { fields, multipart, optionalJson } from './body';
import { operation, type Operation } from './endpoint';
import * as s from './schemas';

/**
 * The HTTP API, route by route: the single source of its validation, types and OpenAPI document. Each
 * `+server.ts` hands one of these to `endpoint()`; tests/people-openapi.test.ts checks that every route
 * file uses the operation listed here for its URL and method, and that nothing else is listed.
 *
 * Groups (folders under src/routes, not in URLs): (api) and the two (app) endpoints take API keys
 * (`apiKey` access, or public); (login) takes face-login and enrolment tokens.
 */

const perImage = (config: ServerConfig) => mbToBytes(config.maxContentMb);
const perRegistration = (config: ServerConfig) => perImage(config) * MAX_ENROLMENT_PHOTOS;
const challengeHeader = { challenge: CHALLENGE_HEADER };
const challengeHeaderNote = {
	[CHALLENGE_HEADER]: 'The signed challenge, instead of the `challenge` form field (the header wins).'
};

const LIVE_FRAMES =
	"With a liveness challenge's frames (`challenge`, `frames`, `frame_times`) the server re-runs detection on every frame, checks the actions, their order and timing, one face throughout and the same person throughout, then answers for the challenge's decision frame; the answer then carries `liveness`.";

// --- (api) and (app): API keys ---

export const apiIndex = operation({
	operationId: 'apiIndex',
	summary: 'Index of the endpoints (also GET / with Accept: application/json)',
	tag: 'meta',
	access: { kind: 'public' },
	responses: { 200: s.ApiIndex },
	errors: []
});

export const openApiDocument = operation({
	operationId: 'openApiDocument',
	summary: 'This OpenAPI 3.1 document, generated from the schemas the server validates with',
	tag: 'meta',
	access: { kind: 'public' },
	responses: { 200: s.OpenApiDocument },
	errors: []
});

export const health = operation({
	operationId: 'health',
	summary: 'Readiness: face engine and verification model loaded',
	tag: 'meta',
	access: { kind: 'public' },
	responses: { 200: s.Health, 503: s.Health },
	responseNotes: { 200: 'Ready.', 503: 'Not ready; `reason` says why.' },
	errors: []
});

export const verify = operation({
	operationId: 'verify',
	summary: 'Is the main face in this photo me?',
	description:
		'Anonymous callers (PUBLIC_SCOPES) get no `score`. A photo with several faces is answered for the main one (of the faces similar in size to the largest, the one nearest the centre); `faces_count` says how many there were. ' +
		LIVE_FRAMES +
		' VERIFY_LIVENESS=optional (the default) takes either; `required` refuses single photos (LIVENESS_REQUIRED).',
	tag: 'verify',
	access: { kind: 'apiKey', scope: 'verify' },
	body: multipart(s.VerifyForm, livenessBodyLimit, challengeHeader),
	headers: challengeHeaderNote,
	heavy: true,
	responses: { 200: s.Verification },
	errors: [
		'BAD_IMAGE',
		'UNSUPPORTED_FORMAT',
		'IMAGE_TOO_LARGE',
		'NO_FACE',
		'LIVENESS_REQUIRED',
		'LIVENESS_FAILED',
		'MODEL_MISSING',
		'MODEL_INVALID',
		'MODEL_INCOMPATIBLE',
		'ENGINE_UNAVAILABLE'
	]
});

export const register = operation({
	operationId: 'registerPerson',
	summary: 'Register a named person from one or more photos (seeds 002/004)',
	description:
		'Each photo must show one main face; its embedding is stored (never the photo). When no photo is usable nothing is written and the error lists each photo under `rejected`. A taken name (any case) is 409 CONFLICT, never a way to add faces to someone; to add photos to an existing person send its `person_id`.',
	tag: 'people',
	access: { kind: 'apiKey', scope: 'manage' },
	body: multipart(s.RegisterForm, perRegistration),
	heavy: true,
	responses: { 201: s.RegisterResult, 200: s.RegisterResult },
	responseNotes: {
		201: 'A new person was created.',
		200: 'Photos added to the existing person (person_id).'
	},
	errors: ['NOT_ENOUGH_DATA', 'NOT_FOUND', 'CONFLICT', 'ENGINE_UNAVAILABLE'],
	errorNotes: { NOT_FOUND: 'No person with that person_id.', CONFLICT: 'The name belongs to another person.' }
});

export const processImages = operation({
	operationId: 'processImages',
	summary: "Register photos under the caller's own id (seed 002)",
	description: 'Photos are added to the person with that id, created (named `name`, or the id) if new.',
	tag: 'people',
	access: { kind: 'apiKey', scope: 'manage' },
	body: multipart(s.ProcessImagesForm, perRegistration),
	heavy: true,
	responses: { 200: s.ProcessImagesResult },
	errors: ['NOT_ENOUGH_DATA', 'CONFLICT', 'ENGINE_UNAVAILABLE'],
	errorNotes: { CONFLICT: 'The name belongs to another person.' }
});

export const processFrame = operation({
	operationId: 'processFrame',
	summary: 'Recognise every face in a camera frame (1:N)',
	description:
		'A face is named only when its best person scores at least the calibrated threshold and beats the second-best person by the margin; otherwise it is unknown, never the nearest stranger. Boxes are in the uploaded image’s pixels. Anonymous callers (PUBLIC_SCOPES) get no `confidence`.',
	tag: 'people',
	access: { kind: 'apiKey', scope: 'recognize' },
	body: multipart(s.FrameForm, perImage),
	heavy: true,
	responses: { 200: s.FrameResult },
	errors: ['BAD_IMAGE', 'UNSUPPORTED_FORMAT', 'IMAGE_TOO_LARGE', 'ENGINE_UNAVAILABLE']
});

export const listPeople = operation({
	operationId: 'listPeople',
	summary: 'List registered people (the list of names is itself personal data)',
	description: 'The same URL in a browser (Accept: text/html) is the people page of the app.',
	tag: 'people',
	access: { kind: 'apiKey', scope: 'manage' },
	responses: { 200: s.PeopleList },
	errors: []
});

export const getPerson = operation({
	operationId: 'getPerson',
	summary: 'One person',
	description:
		'The key is checked before the id is looked up: strangers learn nothing about which ids exist.',
	tag: 'people',
	access: { kind: 'apiKey', scope: 'manage' },
	params: s.PersonIdParams,
	responses: { 200: s.Person },
	errors: ['NOT_FOUND']
});

export const deletePerson = operation({
	operationId: 'deletePerson',
	summary: 'Delete a person and all of their embeddings',
	description: 'Rows are overwritten on disk (secure_delete) and the WAL is checkpointed.',
	tag: 'people',
	access: { kind: 'apiKey', scope: 'manage' },
	params: s.PersonIdParams,
	responses: { 200: s.PersonDeleted },
	errors: ['NOT_FOUND']
});

export const livenessChallenge = operation({
	operationId: 'livenessChallenge',
	summary: 'A random liveness challenge',
	description:
		'Anyone may ask (face login is anonymous); 30 a minute per client. The challenge is signed by the server (HMAC) and stateless until spent: the first request that carries it spends its nonce in the shared store, atomically, so it works once, on any worker or replica. The purpose comes from `?purpose=` or a JSON body.',
	tag: 'liveness',
	access: { kind: 'public' },
	query: s.ChallengeQuery,
	body: optionalJson(s.ChallengeBody),
	responses: { 200: s.LivenessChallenge },
	responseNotes: { 200: 'A fresh challenge (Cache-Control: no-store).' },
	errors: ['RATE_LIMITED']
});

// --- (login): seed 003's face login, with tokens ---

export const createUser = operation({
	operationId: 'createUser',
	summary: 'Face login, step 1: create a user (seed 003)',
	description:
		'The answer carries, once, `enrolment_token` (single use, valid `enrolment_expires_in` seconds) that POST /registro-imagenes/{id} needs. At most SIGNUP_MAX_PER_HOUR sign-ups per client (operators are not counted).',
	tag: 'face login',
	access: { kind: 'publicOrOperator' },
	body: fields(s.UserFields),
	responses: { 201: s.CreatedUser },
	errors: ['CONFLICT', 'RATE_LIMITED'],
	errorNotes: { CONFLICT: 'The e-mail is taken; only told to a `manage` key.' }
});

export const enrolUser = operation({
	operationId: 'enrolUserFaces',
	summary: "Face login, step 2: the user's face",
	description:
		"At least three photos with exactly one usable face each (field `images`, or the seed's `imagenes`) replace the user's template; with fewer usable photos nothing changes (NOT_ENOUGH_DATA). The enrolment token is used up on success; without a valid one, known and unknown ids both answer 401. Replacing a template revokes every login token issued before. " +
		LIVE_FRAMES +
		' The challenge must be an `enrol` one (a guided capture: straight, every head movement, a blink); the frames of each pose that meet the quality limits are enrolled (at least 3). ENROL_LIVENESS=required refuses photo uploads.',
	tag: 'face login',
	access: { kind: 'operatorOrEnrolmentToken' },
	params: s.UserIdParams,
	body: multipart(
		s.EnrolForm,
		(config) => Math.max(perRegistration(config), livenessBodyLimit(config)),
		challengeHeader
	),
	headers: challengeHeaderNote,
	heavy: true,
	responses: { 200: s.EnrolResult },
	errors: [
		'NOT_ENOUGH_DATA',
		'CONFLICT',
		'NOT_FOUND',
		'LIVENESS_REQUIRED',
		'LIVENESS_FAILED',
		'ENGINE_UNAVAILABLE'
	],
	errorNotes: {
		NOT_FOUND: 'No such user; only told to a `manage` key.',
		CONFLICT:
			'A face of the upload, or the template it makes, would log in as another user (it scores at least the login threshold against their template): nothing is stored, the enrolment token is used up, and only a `manage` key hears whose (`conflicting_user`).'
	}
});

export const renewEnrolment = operation({
	operationId: 'renewEnrolment',
	summary: 'Face login: a new enrolment token to replace one’s own template',
	description: 'Replacing a face takes both a valid login and the enrolment proof.',
	tag: 'face login',
	access: { kind: 'loginToken' },
	params: s.UserIdParams,
	responses: { 200: s.EnrolmentGrant },
	errors: ['FORBIDDEN', 'RATE_LIMITED'],
	errorNotes: {
		FORBIDDEN: 'The token belongs to another user.',
		RATE_LIMITED:
			'At most SIGNUP_MAX_PER_HOUR enrolment tokens per user an hour (an enrolment refused with CONFLICT tells that a face is enrolled elsewhere).'
	}
});

export const login = operation({
	operationId: 'login',
	summary: 'Face login: a face in, a JWT out',
	description:
		'The face is matched 1:N against enrolled users with a stricter threshold than /process_frame. Each attempt is counted before the body is read (per client address, or per API key when one is sent; X-Forwarded-For only from TRUSTED_PROXIES) and a success gives none back: after LOGIN_MAX_ATTEMPTS (default 5) within LOGIN_WINDOW_SECONDS (default 300) the client gets 429 with Retry-After; a matched account has its own budget (LOGIN_MAX_PER_ACCOUNT). ' +
		LIVE_FRAMES +
		" LOGIN_LIVENESS=required (the default) accepts only that; `optional` also takes one photo (`image`, or the seed's `imagen`); `off` (unsafe, logged at start) is the seed's single-photo login.",
	tag: 'face login',
	access: { kind: 'public' },
	body: multipart(s.LoginForm, livenessBodyLimit, challengeHeader),
	headers: challengeHeaderNote,
	lazyBody: true,
	heavy: true,
	responses: { 200: s.LoginResult },
	errors: [
		'BAD_IMAGE',
		'UNSUPPORTED_FORMAT',
		'IMAGE_TOO_LARGE',
		'NO_FACE',
		'MULTIPLE_FACES',
		'LIVENESS_REQUIRED',
		'LIVENESS_FAILED',
		'UNAUTHORIZED',
		'RATE_LIMITED',
		'ENGINE_UNAVAILABLE'
	],
	errorNotes: { UNAUTHORIZED: 'Face not recognised.' }
});

export const updateProfile = operation({
	operationId: 'updateProfile',
	summary: "Update the logged-in user's name and/or e-mail",
	tag: 'face login',
	access: { kind: 'loginToken' },
	body: fields(s.UserFields),
	responses: { 200: s.ProfileResult },
	errors: ['CONFLICT', 'RATE_LIMITED'],
	errorNotes: {
		CONFLICT: 'The e-mail is taken.',
		RATE_LIMITED:
			'At most SIGNUP_MAX_PER_HOUR e-mail changes per user an hour: the CONFLICT answer tells whether an address is registered.'
	}
});

export const logout = operation({
	operationId: 'logout',
	summary: "Face login: revoke every token of the caller's user",
	tag: 'face login',
	access: { kind: 'loginToken' },
	responses: { 200: s.LoggedOut },
	errors: []
});

export const deleteUser = operation({
	operationId: 'deleteUser',
	summary: 'Face login: erase a user and every embedding of theirs',
	description: 'Rows are overwritten on disk (secure_delete) and the WAL is checkpointed.',
	tag: 'face login',
	access: { kind: 'operatorOrLoginToken' },
	params: s.UserIdParams,
	responses: { 200: s.UserDeleted },
	errors: ['NOT_FOUND'],
	errorNotes: { FORBIDDEN: "Another user's token, or a key without `manage`." }
});

/** Every route of the API by URL and method: what the document lists and what the routes must use. */
export const API: Record<string, Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', Operation>>> = {
	'/api': { GET: apiIndex },
	'/openapi.json': { GET: openApiDocument },
	'/healthz': { GET: health },
	'/verify': { POST: verify },
	'/register': { POST: register },
	'/process-images': { POST: processImages },
	'/process_frame': { POST: processFrame },
	'/people': { GET: listPeople },
	'/people/{id}': { GET: getPerson, DELETE: deletePerson },
	'/liveness/challenge': { POST: livenessChallenge },
	'/registro-datos': { POST: createUser },
	'/registro-imagenes/{id}': { POST: enrolUser },
	'/registro-imagenes/{id}/token': { POST: renewEnrolment },
	'/autenticacion': { POST: login },
	'/actualizar-perfil': { PUT: updateProfile },
	'/logout': { POST: logout },
	'/usuarios/{id}': { DELETE: deleteUser }
};
