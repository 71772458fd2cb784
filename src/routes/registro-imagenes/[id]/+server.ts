import { apiKeyOf, authorize } from '#lib/server/auth/api-keys.ts';
import { tokenFromAuthorization } from '#lib/server/auth/tokens.ts';
import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { MAX_ENROLMENT_PHOTOS } from '#lib/server/people/registry.ts';
import {
	assertEnrolCredential,
	enrolUserFaces,
	parseUserId,
	type EnrolCredential
} from '#lib/server/people/login.ts';
import { heavyWork } from '#lib/server/work-queue.ts';
import type { RequestHandler } from './$types';

/** An operator's `manage` key, or the user's own `Authorization: Bearer <enrolment_token>`. */
async function credentialOf(request: Request): Promise<EnrolCredential> {
	if (apiKeyOf(request)) {
		await authorize(request, 'manage');
		return { kind: 'operator' };
	}
	return { kind: 'enrolment', token: tokenFromAuthorization(request.headers.get('authorization')) };
}

/** Seed 003, step 2: three or more face photos (`images`, or the seed's `imagenes`) become the user's template. */
export const POST: RequestHandler = async ({ request, params }) => {
	try {
		const credential = await credentialOf(request);
		const userId = parseUserId(params.id);
		await assertEnrolCredential(userId, credential); // before the body is read or a face slot is taken
		return await heavyWork(async () => {
			const maxBytes = mbToBytes(getConfig().maxContentMb);
			const form = await readForm(request, maxBytes * MAX_ENROLMENT_PHOTOS);
			const field = form.has('imagenes') && !form.has('images') ? 'imagenes' : 'images';
			const images = await readImageUploads(form, field, { maxBytes, multiple: true });
			return json(await enrolUserFaces(userId, images, credential));
		});
	} catch (error) {
		return errorResponse(error);
	}
};
