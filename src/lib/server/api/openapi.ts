import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../core/errors';
import { statusFor } from '../http';
import type { BodySpec } from './body';
import { API } from './contract';
import type { Operation } from './endpoint';
import { accessNote, guardErrors, securityOf } from './guards';
import { ErrorBody } from './schemas';

/**
 * The OpenAPI 3.1 document, generated from the contract (./contract.ts) and its zod schemas: the same
 * objects that validate requests and type the handlers. Served at GET /openapi.json.
 */

type JsonSchema = Record<string, unknown>;

/** What each code means, wherever it is answered; operations add their own words (`errorNotes`). */
const CODE_NOTES: Record<ErrorCode, string> = {
	BAD_REQUEST:
		'a missing or invalid field (the message names it), or a body that is not what the route reads',
	BAD_IMAGE: 'a corrupt, truncated or empty image',
	UNSUPPORTED_FORMAT: 'not an image (the format is read from the bytes, not the name)',
	IMAGE_TOO_LARGE:
		'an image above MAX_IMAGE_PIXELS, or with a side above 20,000 px (refused before decoding)',
	PAYLOAD_TOO_LARGE: 'a file above MAX_CONTENT_MB, or a request above its limit',
	NO_FACE: 'no face in the photo',
	MULTIPLE_FACES: 'two faces of similar size leave it open who is meant',
	FACE_TOO_SMALL: 'the face is too small to use',
	LOW_QUALITY: 'the face misses the quality limits (`issues` says which)',
	MODEL_MISSING: 'no model file',
	MODEL_INVALID: 'the model file is unreadable or its threshold is outside [0, 1]',
	MODEL_INCOMPATIBLE: 'the model was trained for another embedder',
	ENGINE_UNAVAILABLE: 'the face engine failed to load',
	NOT_ENOUGH_DATA: 'too few usable photos; nothing was stored (`rejected` says why for each)',
	NOT_FOUND: 'no such record',
	CONFLICT: 'taken',
	UNAUTHORIZED: 'missing, invalid, expired or revoked credentials',
	FORBIDDEN: 'the credentials do not allow this',
	RATE_LIMITED: 'too many attempts (with Retry-After)',
	LIVENESS_REQUIRED: 'a single photo where the configuration requires a liveness challenge',
	LIVENESS_FAILED: 'the liveness challenge failed (`liveness.failure` and the step say why)',
	BUSY: "the worker's face queue is full or the database is locked (with Retry-After)",
	CONFIG_INVALID: "the server's configuration is invalid (details only in its log)",
	INTERNAL: 'an unexpected error (details only in the server log)'
};

/** Every code an operation can answer with: its own, and those its access, input and face work imply. */
export function errorCodesOf(op: Operation): ErrorCode[] {
	const codes = new Set<ErrorCode>([...guardErrors(op.access), ...op.errors]);
	if (op.params || op.query || op.body) codes.add('BAD_REQUEST');
	if (op.body && op.body.kind !== 'json') codes.add('PAYLOAD_TOO_LARGE');
	if (op.heavy || op.access.kind !== 'public' || op.body) codes.add('BUSY');
	if (op.operationId !== 'apiIndex' && op.operationId !== 'openApiDocument') codes.add('CONFIG_INVALID');
	codes.add('INTERNAL');
	return ERROR_CODES.filter((code) => codes.has(code));
}

/** Converts schemas to JSON Schema, collecting the named ones (`.meta({id})`) as components. */
class Schemas {
	readonly components: Record<string, JsonSchema> = {};

	convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
		const converted = z.toJSONSchema(schema, {
			target: 'draft-2020-12',
			io,
			unrepresentable: 'any',
			reused: 'inline',
			override: (ctx) => {
				// An integer is an integer: zod adds the safe-integer bounds, which say nothing to a reader.
				const json = ctx.jsonSchema as JsonSchema;
				if (json.type === 'integer') {
					if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
					if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
				}
				// Files arrive as multipart parts; contentEncoding adds nothing there.
				if (json.format === 'binary') delete json.contentEncoding;
			}
		}) as JsonSchema;
		const {
			$defs,
			$schema: _schema,
			...root
		} = converted as JsonSchema & { $defs?: Record<string, JsonSchema> };
		for (const [id, def] of Object.entries($defs ?? {})) this.add(id, def, io);
		// A named root schema comes back as a $ref to its own definition.
		return relink(root);
	}

	private add(id: string, schema: JsonSchema, io: string) {
		const linked = relink(schema);
		const existing = this.components[id];
		if (existing && JSON.stringify(existing) !== JSON.stringify(linked))
			throw new Error(`Schema '${id}' differs between uses (${io}); give each shape its own id.`);
		this.components[id] = linked;
	}
}

/** `#/$defs/X` → `#/components/schemas/X`, everywhere in a schema. */
function relink<T>(node: T): T {
	return JSON.parse(JSON.stringify(node).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
}

function jsonContent(schema: JsonSchema) {
	return { 'application/json': { schema } };
}

function requestBody(spec: BodySpec, schemas: Schemas) {
	const schema = schemas.convert(spec.schema, 'input');
	if (spec.kind === 'multipart') return { required: true, content: { 'multipart/form-data': { schema } } };
	if (spec.kind === 'json') return { required: false, content: jsonContent(schema) };
	return {
		required: true,
		content: {
			'application/json': { schema },
			'application/x-www-form-urlencoded': { schema },
			'multipart/form-data': { schema }
		}
	};
}

function parameters(op: Operation, schemas: Schemas) {
	const list: Record<string, unknown>[] = [];
	for (const [where, schema] of [
		['path', op.params],
		['query', op.query]
	] as const) {
		if (!schema) continue;
		const json = schemas.convert(schema, 'input') as {
			properties?: Record<string, JsonSchema>;
			required?: string[];
		};
		for (const [name, property] of Object.entries(json.properties ?? {})) {
			const { description, ...rest } = property;
			list.push({
				name,
				in: where,
				required: where === 'path' || !!json.required?.includes(name),
				...(description ? { description } : {}),
				schema: rest
			});
		}
	}
	for (const [name, description] of Object.entries(op.headers ?? {}))
		list.push({ name, in: 'header', required: false, description, schema: { type: 'string' } });
	return list;
}

function responses(op: Operation, schemas: Schemas) {
	const out: Record<string, unknown> = {};
	for (const [status, schema] of Object.entries(op.responses)) {
		const note =
			(op.responseNotes as Record<string, string> | undefined)?.[status] ??
			z.globalRegistry.get(schema)?.description ??
			'Done.';
		out[status] = { description: note, content: jsonContent(schemas.convert(schema, 'output')) };
	}
	const byStatus = new Map<number, ErrorCode[]>();
	for (const code of errorCodesOf(op)) {
		const status = statusFor(code);
		byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
	}
	const error = schemas.convert(ErrorBody, 'output');
	for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
		const lines = codes.map((code) => `${code}: ${op.errorNotes?.[code] ?? CODE_NOTES[code]}.`);
		out[String(status)] = { description: lines.join(' '), content: jsonContent(error) };
	}
	return out;
}

function describeOperation(op: Operation): string {
	return [accessNote(op.access), op.description].filter(Boolean).join(' ');
}

export function buildOpenApiDocument(api = API) {
	const schemas = new Schemas();
	const paths: Record<string, Record<string, unknown>> = {};
	for (const [path, methods] of Object.entries(api)) {
		for (const [method, op] of Object.entries(methods)) {
			if (!op) continue;
			const params = parameters(op, schemas);
			paths[path] ??= {};
			paths[path][method.toLowerCase()] = {
				operationId: op.operationId,
				summary: op.summary,
				description: describeOperation(op),
				tags: [op.tag],
				...(params.length ? { parameters: params } : {}),
				...(op.body ? { requestBody: requestBody(op.body, schemas) } : {}),
				responses: responses(op, schemas),
				...(securityOf(op.access) ? { security: securityOf(op.access) } : {}),
				...(op.access.kind === 'apiKey' ? { 'x-required-scope': op.access.scope } : {})
			};
		}
	}
	return {
		openapi: '3.1.0',
		info: {
			title: 'me-verifier',
			version: '1.0.0',
			description:
				'Face verification ("is this me?"), 1:N recognition of registered people, and face login with JWT. Every error is JSON `{"error": {"code", "message"}}` with the status mapped from the code in one place; no stack trace ever reaches a client.\n\nSecurity: operator routes need an API key (`x-api-key` or `Authorization: Bearer mvk_…`) with the scope named in `x-required-scope`; face-login routes use enrolment and login tokens. See the README\'s "Security model".\n\nGenerated from the schemas the server validates requests with (src/lib/server/api/).'
		},
		servers: [{ url: '/' }],
		tags: [
			{ name: 'verify', description: '"Is this me?" against the trained model.' },
			{ name: 'people', description: 'Registered people and 1:N recognition (API keys).' },
			{ name: 'face login', description: "Seed 003's face login: users, enrolment, JWT." },
			{
				name: 'liveness',
				description:
					'Active liveness challenges (a photo, a print or a screen cannot follow a random instruction on time).'
			},
			{ name: 'meta', description: 'Index, health, this document.' }
		],
		paths,
		components: {
			schemas: Object.fromEntries(Object.entries(schemas.components).sort(([a], [b]) => a.localeCompare(b))),
			securitySchemes: {
				apiKey: {
					type: 'apiKey',
					in: 'header',
					name: 'x-api-key',
					description:
						'Operator API key (mvk_…), created with `npm run keys -- create --name NAME --scopes verify,recognize,manage` or printed once on first start. Scopes: verify, recognize, manage.'
				},
				apiKeyBearer: {
					type: 'http',
					scheme: 'bearer',
					bearerFormat: 'mvk_ API key',
					description: 'The same API key as `Authorization: Bearer mvk_…`.'
				},
				enrolmentToken: {
					type: 'http',
					scheme: 'bearer',
					bearerFormat: 'enr_ enrolment token',
					description:
						'Single-use, short-lived (ENROLMENT_TTL, 900 s) token from POST /registro-datos or POST /registro-imagenes/{id}/token.'
				},
				loginToken: {
					type: 'http',
					scheme: 'bearer',
					bearerFormat: 'JWT',
					description:
						'Face-login token from POST /autenticacion; revoked by a new enrolment, POST /logout or deleting the user.'
				}
			}
		}
	};
}

let cached: ReturnType<typeof buildOpenApiDocument> | null = null;

/** Built once per process (the contract does not change while it runs). */
export function openApiDocument() {
	cached ??= buildOpenApiDocument();
	return cached;
}
