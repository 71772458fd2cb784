import { authorize } from '#lib/server/auth/api-keys.ts';
import { getConfig } from '#lib/server/config.ts';
import {
	errorResponse,
	json,
	mbToBytes,
	readForm,
	readImageUploads,
	readTextField
} from '#lib/server/http.ts';
import { MAX_ENROLMENT_PHOTOS, processImages } from '#lib/server/people/registry.ts';
import { heavyWork } from '#lib/server/work-queue.ts';
import type { RequestHandler } from './$types';

/** Seed 002: `id` (the caller's own, e.g. a student number), optional `name`, and `images`. Scope `manage`. */
export const POST: RequestHandler = async ({ request }) => {
	try {
		await authorize(request, 'manage');
		return await heavyWork(async () => {
			const maxBytes = mbToBytes(getConfig().maxContentMb);
			const form = await readForm(request, maxBytes * MAX_ENROLMENT_PHOTOS);
			const id = readTextField(form, 'id', { required: true, max: 64 });
			const name = readTextField(form, 'name', { max: 100 });
			const images = await readImageUploads(form, 'images', { maxBytes, multiple: true });
			return json(await processImages(id, name, images));
		});
	} catch (error) {
		return errorResponse(error);
	}
};
