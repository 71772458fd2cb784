/** Every expected failure carries one of these codes; HTTP status mapping lives in src/lib/server/http.ts. */
export const ERROR_CODES = [
	'BAD_REQUEST',
	'BAD_IMAGE',
	'UNSUPPORTED_FORMAT',
	'IMAGE_TOO_LARGE',
	'PAYLOAD_TOO_LARGE',
	'NO_FACE',
	'MULTIPLE_FACES',
	'FACE_TOO_SMALL',
	'LOW_QUALITY',
	'MODEL_MISSING',
	'MODEL_INVALID',
	'MODEL_INCOMPATIBLE',
	'ENGINE_UNAVAILABLE',
	'NOT_ENOUGH_DATA',
	'NOT_FOUND',
	'CONFLICT',
	'UNAUTHORIZED',
	'FORBIDDEN',
	'RATE_LIMITED',
	'LIVENESS_REQUIRED',
	'LIVENESS_FAILED',
	'BUSY',
	/** The server's own configuration (environment variables) is invalid: never the client's fault. */
	'CONFIG_INVALID',
	'INTERNAL'
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class CoreError extends Error {
	readonly code: ErrorCode;
	readonly details?: Record<string, unknown>;

	constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
		super(message);
		this.name = 'CoreError';
		this.code = code;
		this.details = details;
	}
}

export function isCoreError(error: unknown): error is CoreError {
	return error instanceof CoreError;
}
