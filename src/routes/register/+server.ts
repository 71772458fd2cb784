import { getConfig } from '#lib/server/config.ts';
import {
	errorResponse,
	json,
	mbToBytes,
	readForm,
	readImageUploads,
	readTextField
} from '#lib/server/http.ts';
import { MAX_ENROLMENT_PHOTOS, registerPerson } from '#lib/server/people/registry.ts';
import type { RequestHandler } from './$types';

/** Seeds 002/004: `name` + one or more `images`; an existing name gets the photos added. */
export const POST: RequestHandler = async ({ request }) => {
	try {
		const maxBytes = mbToBytes(getConfig().maxContentMb);
		const form = await readForm(request, maxBytes * MAX_ENROLMENT_PHOTOS);
		const name = readTextField(form, 'name', { required: true });
		const images = await readImageUploads(form, 'images', { maxBytes, multiple: true });
		const result = await registerPerson(name, images);
		return json(result, result.created ? 201 : 200);
	} catch (error) {
		return errorResponse(error);
	}
};
