import { randomUUID } from 'node:crypto';
import { CoreError } from '../../core/errors';
import { PROFILE } from '../../core/defaults';
import { statedOperatingPoint, type StatedOperatingPoint } from '../../core/gallery';
import { recognizeFaces } from '../../core/use-cases/recognize';
import type { Box } from '../../core/types';
import type { PersonSummary } from '../db';
import type { Upload } from '../http';
import type { Services } from '../services';
import { configuredModel, modelOf, policyOf } from './people-engine';
import { decodeUpload } from '../decode';
import { embedEnrolmentPhotos, type Rejected } from './faces';

/** Most photos accepted in one registration request. */
export const MAX_ENROLMENT_PHOTOS = PROFILE.maxEnrolmentPhotos;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface PersonView {
	person_id: string;
	name: string;
	/** Embeddings from the current embedder: the ones used for matching. */
	embeddings: number;
	/** Embeddings from another embedder or version: kept, never compared; register again to refresh. */
	other_model_embeddings: number;
	created_at: string;
	updated_at: string;
}

function view(p: PersonSummary): PersonView {
	return {
		person_id: p.id,
		name: p.name,
		embeddings: p.embeddings,
		other_model_embeddings: p.other_model_embeddings,
		created_at: p.created_at,
		updated_at: p.updated_at
	};
}

/**
 * Control characters (NUL cut a stored name short in SQLite, and PostgreSQL refuses it), lone surrogates, and the
 * marks that override or isolate the direction of text (a name that displays as another), in any text field a
 * person sees. Plain direction marks (LRM, RLM, ALM) are only dropped from names: right-to-left names pasted from
 * elsewhere often carry them.
 */
const UNSHOWABLE = /[\p{Cc}\p{Cs}\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/u;
const DIRECTION_MARKS = /[\u200e\u200f\u061c]/gu;

/** Refuses a text field holding control or text-direction characters (after whitespace was normalised). */
export function assertShowable(text: string, field: string): void {
	if (UNSHOWABLE.test(text))
		throw new CoreError('BAD_REQUEST', `Field '${field}' holds control or text-direction characters.`);
}

export function validateName(raw: string, field = 'name'): string {
	const name = raw.replace(DIRECTION_MARKS, '').trim().replace(/\s+/g, ' ');
	if (!name) throw new CoreError('BAD_REQUEST', `Missing field '${field}'.`);
	if (name.length > 100)
		throw new CoreError('BAD_REQUEST', `Field '${field}' is longer than 100 characters.`);
	assertShowable(name, field);
	return name;
}

export function validatePersonId(raw: string): string {
	const id = raw.trim();
	if (!ID_PATTERN.test(id)) {
		throw new CoreError('BAD_REQUEST', "The id must be 1-64 characters: letters, digits, '_', '.', '-'.");
	}
	return id;
}

function checkPhotoCount(uploads: readonly Upload[]): void {
	if (uploads.length > MAX_ENROLMENT_PHOTOS) {
		throw new CoreError('BAD_REQUEST', `Send at most ${MAX_ENROLMENT_PHOTOS} images per request.`);
	}
}

function nothingUsable(rejected: Rejected[]): CoreError {
	return new CoreError(
		'NOT_ENOUGH_DATA',
		'None of the images showed exactly one usable face; nothing was stored.',
		{
			public: { rejected }
		}
	);
}

export interface RegisterResult {
	person_id: string;
	name: string;
	created: boolean;
	faces_used: number;
	rejected: Rejected[];
}

/**
 * POST /register: a new named person from photos. A name that is taken (any case) is a 409, never a way to
 * add faces to someone; adding photos to an existing person takes their `person_id` (and a `manage` key).
 */
export async function registerPerson(
	services: Services,
	rawName: string,
	uploads: readonly Upload[],
	personId?: string
): Promise<RegisterResult> {
	const name = validateName(rawName);
	checkPhotoCount(uploads);
	const { people } = services.store;
	const existingId = personId ? validatePersonId(personId) : null;
	if (existingId && !(await people.get(existingId))) throw notFound(existingId);
	const engine = await services.peopleEngine();
	const { accepted, rejected } = await embedEnrolmentPhotos(engine, uploads, services.config);
	if (accepted.length === 0) throw nothingUsable(rejected);
	// A fresh random id never matches, so enroll() creates the person, or refuses a taken name.
	const lookup = { id: existingId ?? randomUUID() };
	const result = await people.enroll(lookup, { id: lookup.id, name }, accepted, modelOf(engine));
	return {
		person_id: result.person.id,
		name: result.person.name,
		created: result.created,
		faces_used: result.added,
		rejected
	};
}

export interface ProcessImagesResult {
	status: 'ok';
	id: string;
	embeddings: number;
	faces_used: number;
	rejected: Rejected[];
}

/** POST /process-images (seed 002): the caller names the person by its own id (e.g. a student number). */
export async function processImages(
	services: Services,
	rawId: string,
	rawName: string,
	uploads: readonly Upload[]
): Promise<ProcessImagesResult> {
	const id = validatePersonId(rawId);
	const name = rawName.trim() ? validateName(rawName) : id;
	checkPhotoCount(uploads);
	const engine = await services.peopleEngine();
	const { accepted, rejected } = await embedEnrolmentPhotos(engine, uploads, services.config);
	if (accepted.length === 0) throw nothingUsable(rejected);
	const { people } = services.store;
	const model = modelOf(engine);
	await people.enroll({ id }, { id, name }, accepted, model);
	const total = (await people.summary(id, model))!.embeddings;
	return { status: 'ok', id, embeddings: total, faces_used: accepted.length, rejected };
}

export interface PeopleList {
	embedder: string;
	embedder_version: string;
	people: PersonView[];
}

export async function listPeople({ config, store }: Services): Promise<PeopleList> {
	const model = configuredModel(config);
	const people = (await store.people.list(model)).map(view);
	return { embedder: model.embedder, embedder_version: model.version, people };
}

function notFound(id: string): CoreError {
	return new CoreError('NOT_FOUND', `No person with id '${id}'.`);
}

export async function getPerson({ config, store }: Services, id: string): Promise<PersonView> {
	const person = await store.people.summary(id, configuredModel(config));
	if (!person) throw notFound(id);
	return view(person);
}

/** DELETE /people/{id}: the person row and every embedding of theirs, whatever the model. */
export async function deletePerson(
	{ store }: Services,
	id: string
): Promise<{ deleted: true; person_id: string; embeddings_removed: number }> {
	const { people } = store;
	const count = await people.countEmbeddings(id);
	if (!(await people.delete(id))) throw notFound(id);
	return { deleted: true, person_id: id, embeddings_removed: count };
}

export interface FrameResult {
	/** `confidence` is left out for anonymous callers (PUBLIC_SCOPES=recognize): scores are for key holders. */
	recognized_faces: { person_id: string; name: string; confidence?: number; box: Box }[];
	unknown_faces: { box: Box }[];
	/** The threshold and margin every face was judged by, and the false-positive rate they were calibrated for. */
	operating_point: StatedOperatingPoint;
	timing_ms: number;
}

/** POST /process_frame: every face in the frame matched 1:N; unsure faces stay unknown. */
export async function recognizeFrame(
	services: Services,
	bytes: Uint8Array,
	startedAt: number,
	options: { withScores?: boolean } = {}
): Promise<FrameResult> {
	const engine = await services.peopleEngine();
	const image = await decodeUpload(bytes, services.config);
	const { people } = services.store;
	const policy = policyOf(engine);
	// The whole in-memory gallery, or with PG_VECTOR_INDEX=on the index's nearest people: the same decision.
	const gallery = (embeddings: readonly ArrayLike<number>[]) =>
		people.galleryFor(embeddings, modelOf(engine), policy.strategy);
	const faces = await recognizeFaces(engine, image, gallery, policy);
	const result: FrameResult = {
		recognized_faces: [],
		unknown_faces: [],
		operating_point: statedOperatingPoint(engine.info.embedder, 'recognition'),
		timing_ms: 0
	};
	for (const { box, match } of faces) {
		if (match.status === 'known') {
			const { id, name, score } = match.person;
			const confidence = options.withScores === false ? undefined : Number(score.toFixed(4));
			result.recognized_faces.push({ person_id: id, name, confidence, box });
		} else {
			result.unknown_faces.push({ box });
		}
	}
	result.timing_ms = Number((performance.now() - startedAt).toFixed(1));
	return result;
}
