import { CoreError, isCoreError, type ErrorCode } from '../core/errors';
import { isStoreBusy } from './db/errors';

/** The one place that maps error codes to HTTP status. */
const STATUS: Record<ErrorCode, number> = {
	BAD_REQUEST: 400,
	BAD_IMAGE: 400,
	UNSUPPORTED_FORMAT: 400,
	IMAGE_TOO_LARGE: 413,
	PAYLOAD_TOO_LARGE: 413,
	NO_FACE: 400,
	MULTIPLE_FACES: 400,
	FACE_TOO_SMALL: 400,
	LOW_QUALITY: 400,
	MODEL_MISSING: 503,
	MODEL_INVALID: 503,
	MODEL_INCOMPATIBLE: 503,
	ENGINE_UNAVAILABLE: 503,
	NOT_ENOUGH_DATA: 400,
	NOT_FOUND: 404,
	CONFLICT: 409,
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	RATE_LIMITED: 429,
	LIVENESS_REQUIRED: 400,
	LIVENESS_FAILED: 401,
	BUSY: 503,
	CONFIG_INVALID: 500,
	INTERNAL: 500
};

export function statusFor(code: ErrorCode): number {
	return STATUS[code] ?? 500;
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(data), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...headers }
	});
}

/** Expected errors become `{error: {code, message}}`; anything else is logged and answered without details. */
export function errorResponse(error: unknown): Response {
	if (isStoreBusy(error)) {
		error = new CoreError('BUSY', 'The database is busy; retry shortly.', { retryAfterSeconds: 1 });
	}
	if (isCoreError(error) && error.code === 'CONFIG_INVALID') {
		// The operator's mistake: said in the log, where they look; the client only learns it is not theirs.
		console.error(`[me-verifier] configuration error: ${error.message}`);
		const message = "The server's configuration is invalid; the details are in its log.";
		return json({ error: { code: error.code, message } }, statusFor(error.code));
	}
	if (isCoreError(error)) {
		const headers: Record<string, string> = {};
		const retryAfter = error.details?.retryAfterSeconds;
		if (typeof retryAfter === 'number') headers['retry-after'] = String(Math.ceil(retryAfter));
		const body: Record<string, unknown> = { code: error.code, message: error.message };
		const publicDetails = error.details?.public;
		if (publicDetails && typeof publicDetails === 'object') Object.assign(body, publicDetails);
		return json({ error: body }, statusFor(error.code), headers);
	}
	console.error('[me-verifier] unexpected error:', error);
	return json({ error: { code: 'INTERNAL', message: 'Internal server error.' } }, 500);
}

export interface Upload {
	name: string;
	type: string;
	bytes: Uint8Array;
}

// Multipart framing around one file: boundaries, headers and the other small fields.
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** Longest file name accepted in an upload (names are kept as the embedding's `source`). */
export const MAX_FILE_NAME = 255;

function requestTooLarge(maxBodyBytes: number): CoreError {
	return new CoreError(
		'PAYLOAD_TOO_LARGE',
		`Request too large. Limit: ${(maxBodyBytes / 1048576).toFixed(1)} MB.`
	);
}

/**
 * The request with its body counted as it streams: a chunked upload (no Content-Length) is cut at the limit
 * instead of being buffered whole. `overLimit()` says whether that happened.
 */
export function limitBody(
	request: Request,
	maxBytes: number
): { request: Request; overLimit: () => boolean } {
	if (!request.body) return { request, overLimit: () => false };
	let seen = 0;
	const reader = request.body.getReader();
	// Read by hand rather than pipeThrough: erroring a pipe cancels the source, and adapter-node answers a
	// cancelled body by destroying the socket, so the client would never see the 413. Releasing the reader
	// leaves the rest of the upload to Node, which discards it once the answer is sent.
	const counted = new ReadableStream<Uint8Array>({
		async pull(controller) {
			const { done, value } = await reader.read();
			if (done) return controller.close();
			seen += value.byteLength;
			if (seen > maxBytes) {
				reader.releaseLock();
				controller.error(new Error('body over the limit'));
			} else controller.enqueue(value);
		}
	});
	const limited = new Request(request.url, {
		method: request.method,
		headers: request.headers,
		body: counted,
		duplex: 'half'
	} as RequestInit);
	return { request: limited, overLimit: () => seen > maxBytes };
}

/** Parses a multipart body, refusing oversize requests by their declared length or as they stream. */
export async function readForm(request: Request, maxBodyBytes: number): Promise<FormData> {
	const limit = maxBodyBytes + MULTIPART_OVERHEAD_BYTES;
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (Number.isFinite(declared) && declared > limit) throw requestTooLarge(maxBodyBytes);
	const type = request.headers.get('content-type') ?? '';
	if (!type.toLowerCase().startsWith('multipart/form-data')) {
		throw new CoreError('BAD_REQUEST', 'Send the request as multipart/form-data.');
	}
	const body = limitBody(request, limit);
	try {
		return await body.request.formData();
	} catch {
		if (body.overLimit()) throw requestTooLarge(maxBodyBytes);
		throw new CoreError('BAD_REQUEST', 'The multipart body could not be parsed.');
	}
}

export function mbToBytes(mb: number): number {
	return Math.round(mb * 1024 * 1024);
}
