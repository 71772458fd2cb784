import { CoreError } from '../../core/errors';
import { limitBody, readForm } from '../http';

/** Text fields from a JSON object body or a form (multipart or urlencoded): the seed's clients send either. */
export async function readTextFields(request: Request, maxBytes: number): Promise<Record<string, string>> {
	const type = (request.headers.get('content-type') ?? '').toLowerCase();
	const fields: Record<string, string> = {};
	if (!type.startsWith('application/json') && !type.startsWith('application/x-www-form-urlencoded')) {
		const form = await readForm(request, maxBytes);
		for (const [key, value] of form) if (typeof value === 'string') fields[key] = value;
		return fields;
	}
	const limited = limitBody(request, maxBytes);
	const tooLarge = () => new CoreError('PAYLOAD_TOO_LARGE', `Request too large. Limit: ${maxBytes} bytes.`);
	if (type.startsWith('application/json')) {
		let body: unknown;
		try {
			body = await limited.request.json();
		} catch {
			if (limited.overLimit()) throw tooLarge();
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
	try {
		form = await limited.request.formData();
	} catch {
		if (limited.overLimit()) throw tooLarge();
		throw new CoreError('BAD_REQUEST', 'The form body could not be parsed.');
	}
	for (const [key, value] of form) if (typeof value === 'string') fields[key] = value;
	return fields;
}
