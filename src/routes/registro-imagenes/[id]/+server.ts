import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { MAX_ENROLMENT_PHOTOS } from '#lib/server/people/registry.ts';
import { enrolUserFaces, parseUserId } from '#lib/server/people/login.ts';
import type { RequestHandler } from './$types';

/** Seed 003, step 2: three or more face photos (`images`, or the seed's `imagenes`) become the user's template. */
export const POST: RequestHandler = async ({ request, params }) => {
	try {
		const userId = parseUserId(params.id);
		const maxBytes = mbToBytes(getConfig().maxContentMb);
		const form = await readForm(request, maxBytes * MAX_ENROLMENT_PHOTOS);
		const field = form.has('imagenes') && !form.has('images') ? 'imagenes' : 'images';
		const images = await readImageUploads(form, field, { maxBytes, multiple: true });
		return json(await enrolUserFaces(userId, images));
	} catch (error) {
		return errorResponse(error);
	}
};
