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
import { MAX_ENROLMENT_PHOTOS, registerPerson } from '#lib/server/people/registry.ts';
import { heavyWork } from '#lib/server/work-queue.ts';
import type { RequestHandler } from './$types';

/** Seeds 002/004: `name` + one or more `images` make a new person; `person_id` adds photos to one. Scope `manage`. */
export const POST: RequestHandler = async ({ request }) => {
	try {
		await authorize(request, 'manage');
		return await heavyWork(async () => {
			const maxBytes = mbToBytes(getConfig().maxContentMb);
			const form = await readForm(request, maxBytes * MAX_ENROLMENT_PHOTOS);
			const name = readTextField(form, 'name', { required: true, max: 100 });
			const personId = readTextField(form, 'person_id', { max: 64 });
			const images = await readImageUploads(form, 'images', { maxBytes, multiple: true });
			const result = await registerPerson(name, images, personId || undefined);
			return json(result, result.created ? 201 : 200);
		});
	} catch (error) {
		return errorResponse(error);
	}
};
