import { z } from 'zod';
import { CoreError } from '../../core/errors';
import type { ServerConfig } from '../config';
import { limitBody, MAX_FILE_NAME, mbToBytes, readForm, type Upload } from '../http';

/**
 * Request bodies, read with their size limits and validated by a schema. Every validation failure is one
 * BAD_REQUEST naming the field; a file over MAX_CONTENT_MB, or a request over its limit, is PAYLOAD_TOO_LARGE.
 */

// --- field helpers for multipart schemas ---

/** One uploaded file (multipart), handed to the route as `{name, type, bytes}`. */
export function file() {
	return z
		.file()
		.refine((f) => f.name.length <= MAX_FILE_NAME, {
			error: `File names are limited to ${MAX_FILE_NAME} characters.`
		})
		.transform(async (f): Promise<Upload> => ({
			name: f.name,
			type: f.type,
			bytes: new Uint8Array(await f.arrayBuffer())
		}));
}

/** One or more files in one multipart field (`max` at most). */
export function files({ max }: { max: number }) {
	return z.array(file()).min(1).max(max);
}

/** A text field (multipart text is trimmed, and an empty one counts as absent). */
export function text({ max }: { max: number }) {
	return z.string().max(max);
}

/** A text field of a JSON or form body: JSON numbers are taken as their text. */
export function textOrNumber() {
	return z.union([z.string(), z.number().transform(String)]);
}

// --- what kind of body a route takes ---

export interface MultipartBody<S extends z.ZodType> {
	kind: 'multipart';
	schema: S;
	/** Whole-request limit (the per-file limit is MAX_CONTENT_MB). */
	maxBytes: (config: ServerConfig) => number;
	/** Headers that may carry a field instead of the form (the header wins). */
	headerFields?: Record<string, string>;
}

/** A JSON object, or a form (urlencoded or multipart) of text fields: the seed's clients send either. */
export interface FieldsBody<S extends z.ZodType> {
	kind: 'fields';
	schema: S;
	maxBytes: number;
}

/** An optional small JSON body; anything that is not `application/json` is read as `{}`. */
export interface JsonBody<S extends z.ZodType> {
	kind: 'json';
	schema: S;
	maxBytes: number;
}

export type BodySpec<S extends z.ZodType = z.ZodType> = MultipartBody<S> | FieldsBody<S> | JsonBody<S>;

export function multipart<S extends z.ZodType>(
	schema: S,
	maxBytes: (config: ServerConfig) => number,
	headerFields?: Record<string, string>
): MultipartBody<S> {
	return { kind: 'multipart', schema, maxBytes, headerFields };
}

export function fields<S extends z.ZodType>(schema: S, maxBytes = 64 * 1024): FieldsBody<S> {
	return { kind: 'fields', schema, maxBytes };
}

export function optionalJson<S extends z.ZodType>(schema: S, maxBytes = 1024): JsonBody<S> {
	return { kind: 'json', schema, maxBytes };
}

// --- validation messages ---

function fieldName(path: readonly PropertyKey[]): string {
	return path.map(String).join('.');
}

/** One issue in words that name the field; never a stack trace or a schema dump. */
export function describeIssue(issue: z.core.$ZodIssue & { input?: unknown }): string {
	const field = fieldName(issue.path);
	if (issue.code === 'custom') return issue.message;
	if (!field) return issue.code === 'invalid_type' ? 'Send a JSON object.' : issue.message;
	if (issue.code === 'invalid_type') {
		if (issue.input === undefined)
			return issue.expected === 'file' || issue.expected === 'array'
				? `Missing file field '${field}' (multipart/form-data).`
				: `Missing field '${field}'.`;
		if (issue.expected === 'file') {
			return Array.isArray(issue.input)
				? `Send exactly one file in '${field}'.`
				: `Field '${field}' must be a file (multipart/form-data).`;
		}
		return `Field '${field}' must be ${issue.expected === 'string' ? 'text' : `a ${issue.expected}`}.`;
	}
	if (issue.code === 'too_big') {
		if (issue.origin === 'string') return `Field '${field}' is longer than ${issue.maximum} characters.`;
		if (issue.origin === 'array') return `Send at most ${issue.maximum} files in '${field}'.`;
	}
	if (issue.code === 'too_small' && issue.origin === 'array')
		return `Missing file field '${field}' (multipart/form-data).`;
	if (issue.code === 'invalid_value')
		return `'${field}' must be one of ${issue.values.map(String).join(', ')}.`;
	if (issue.code === 'invalid_union') return `Field '${field}' has the wrong type.`;
	return `Field '${field}': ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}.`;
}

/** Validates `input` with `schema`; a failure is one BAD_REQUEST whose message names the first bad field. */
export async function validate<S extends z.ZodType>(schema: S, input: unknown): Promise<z.output<S>> {
	const result = await schema.safeParseAsync(input, { reportInput: true });
	if (result.success) return result.data;
	const [first] = result.error.issues;
	throw new CoreError('BAD_REQUEST', describeIssue(first));
}

// --- readers ---

function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
	let node = schema as z.ZodType;
	for (let depth = 0; depth < 8; depth++) {
		const def = node._zod.def as { type: string; shape?: Record<string, z.ZodType>; in?: z.ZodType };
		if (def.type === 'object' && def.shape) return def.shape;
		if (def.type === 'pipe' && def.in) node = def.in;
		else break;
	}
	throw new Error('A multipart body schema must be an object (possibly refined or transformed).');
}

/** 'file' or 'files' where the schema (unwrapped) takes uploads; null for text. */
function uploadKind(schema: z.ZodType): 'file' | 'files' | null {
	let node = schema;
	for (let depth = 0; depth < 8; depth++) {
		const def = node._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType };
		if (def.type === 'file') return 'file';
		if (def.type === 'array' && def.element) return uploadKind(def.element) ? 'files' : null;
		const inner = def.innerType ?? def.in;
		if (!inner) return null;
		node = inner;
	}
	return null;
}

function tooLarge(maxBytes: number): CoreError {
	const mb = maxBytes / (1024 * 1024);
	return new CoreError('PAYLOAD_TOO_LARGE', `File too large. Limit: ${Number(mb.toFixed(3))} MB per image.`);
}

/** The form's fields as the schema expects them: files as File (or File[]), text trimmed, '' as absent. */
function formInput(
	form: FormData,
	shape: Record<string, z.ZodType>,
	maxFileBytes: number,
	headers: Headers,
	headerFields: Record<string, string> = {}
): Record<string, unknown> {
	const input: Record<string, unknown> = {};
	for (const [key, schema] of Object.entries(shape)) {
		const kind = uploadKind(schema);
		const entries = form.getAll(key);
		if (kind) {
			const uploads = entries.filter((entry): entry is File => typeof entry !== 'string');
			for (const upload of uploads) if (upload.size > maxFileBytes) throw tooLarge(maxFileBytes);
			if (uploads.length > 0) input[key] = kind === 'file' && uploads.length === 1 ? uploads[0] : uploads;
		} else {
			const value = entries.find((entry): entry is string => typeof entry === 'string')?.trim();
			if (value) input[key] = value;
		}
	}
	for (const [key, header] of Object.entries(headerFields)) {
		const value = headers.get(header)?.trim();
		if (value) input[key] = value;
	}
	return input;
}

/** Reads and validates a route's body. */
export async function readBody<S extends z.ZodType>(
	spec: BodySpec<S>,
	request: Request,
	config: ServerConfig
): Promise<z.output<S>> {
	if (spec.kind === 'multipart') {
		const form = await readForm(request, spec.maxBytes(config));
		const maxFileBytes = mbToBytes(config.maxContentMb);
		return validate(
			spec.schema,
			formInput(form, objectShape(spec.schema), maxFileBytes, request.headers, spec.headerFields)
		);
	}
	if (spec.kind === 'json') return validate(spec.schema, await readSmallJson(request, spec.maxBytes));
	return validate(spec.schema, await readFields(request, spec.maxBytes));
}

/**
 * Reads a body with `read`, counted while it streams (no route buffers more than its own limit; serve.js sets no
 * outer one): PAYLOAD_TOO_LARGE past the limit, BAD_REQUEST with `unreadable` when it cannot be parsed.
 */
async function readCapped<T>(
	request: Request,
	maxBytes: number,
	read: (request: Request) => Promise<T>,
	unreadable: string
): Promise<T> {
	const limited = limitBody(request, maxBytes);
	try {
		return await read(limited.request);
	} catch {
		if (limited.overLimit())
			throw new CoreError('PAYLOAD_TOO_LARGE', `Request too large. Limit: ${maxBytes} bytes.`);
		throw new CoreError('BAD_REQUEST', unreadable);
	}
}

async function readSmallJson(request: Request, maxBytes: number): Promise<unknown> {
	if (!(request.headers.get('content-type') ?? '').includes('application/json')) return {};
	const text = (await readCapped(request, maxBytes, (r) => r.text(), 'The body could not be read.')).trim();
	if (!text) return {};
	try {
		return JSON.parse(text) ?? {};
	} catch {
		throw new CoreError('BAD_REQUEST', 'The body is not JSON.');
	}
}

async function readFields(request: Request, maxBytes: number): Promise<unknown> {
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	const textFields = (form: FormData) => {
		const out: Record<string, string> = {};
		for (const [key, value] of form) if (typeof value === 'string') out[key] = value;
		return out;
	};
	if (!type.startsWith('application/json') && !type.startsWith('application/x-www-form-urlencoded')) {
		return textFields(await readForm(request, maxBytes));
	}
	if (type.startsWith('application/json')) {
		const body: unknown = await readCapped(
			request,
			maxBytes,
			(r) => r.json(),
			'The JSON body could not be parsed.'
		);
		if (!body || typeof body !== 'object' || Array.isArray(body)) {
			throw new CoreError('BAD_REQUEST', 'Send a JSON object.');
		}
		return body;
	}
	return textFields(
		await readCapped(request, maxBytes, (r) => r.formData(), 'The form body could not be parsed.')
	);
}
