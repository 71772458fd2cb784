import { CoreError } from '../../core/errors';
import { readForm } from '../http';

/** Text fields from a JSON object body or a form (multipart or urlencoded): the seed's clients send either. */
export async function readTextFields(request: Request, maxBytes: number): Promise<Record<string, string>> {
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	const fields: Record<string, string> = {};
	if (type.startsWith('application/json')) {
		let body: unknown;
		try {
			body = await request.json();
		} catch {
			throw new CoreError('BAD_REQUEST', 'The JSON body could not be parsed.');
		}
		if (!body || typeof body !== 'object' || Array.isArray(body)) {
			throw new CoreError('BAD_REQUEST', 'Send a JSON object.');
		}
		for (const [key, value] of Object.entries(body)) {
			if (typeof value === 'string' || typeof value === 'number') fields[key] = String(value);
		}
		return fields;
	}
	let form: FormData;
	if (type.startsWith('application/x-www-form-urlencoded')) {
		try {
			form = await request.formData();
		} catch {
			throw new CoreError('BAD_REQUEST', 'The form body could not be parsed.');
		}
	} else {
		form = await readForm(request, maxBytes);
	}
	for (const [key, value] of form) if (typeof value === 'string') fields[key] = value;
	return fields;
}

/** The client address for rate limiting; in-process calls without one share a single bucket. */
export function clientKey(getClientAddress: () => string): string {
	try {
		return getClientAddress() || 'unknown';
	} catch {
		return 'unknown';
	}
}
