import { apiKeyOf, authorize } from '#lib/server/auth/api-keys.ts';
import { tokenFromAuthorization } from '#lib/server/auth/tokens.ts';
import { getConfig } from '#lib/server/config.ts';
import { errorResponse, json, mbToBytes, readForm, readImageUploads } from '#lib/server/http.ts';
import { MAX_ENROLMENT_PHOTOS } from '#lib/server/people/registry.ts';
import {
	assertEnrolCredential,
	enrolUserFaces,
	enrolUserLive,
	parseUserId,
	type EnrolCredential
} from '#lib/server/people/login.ts';
import { livenessBodyLimit, readLivenessForm, spendChallenge } from '#lib/server/liveness/index.ts';
import { heavyWork } from '#lib/server/work-queue.ts';
import { CoreError } from '#lib/core/errors.ts';
import type { RequestHandler } from './$types';

/** An operator's `manage` key, or the user's own `Authorization: Bearer <enrolment_token>`. */
async function credentialOf(request: Request): Promise<EnrolCredential> {
	if (apiKeyOf(request)) {
		await authorize(request, 'manage');
		return { kind: 'operator' };
	}
	return { kind: 'enrolment', token: tokenFromAuthorization(request.headers.get('authorization')) };
}

/**
 * Seed 003, step 2: three or more face photos (`images`, or the seed's `imagenes`) become the user's template;
 * or a guided capture, the frames of a passed `enrol` challenge (ENROL_LIVENESS=required accepts only that).
 */
export const POST: RequestHandler = async ({ request, params }) => {
	try {
		const credential = await credentialOf(request);
		const userId = parseUserId(params.id);
		await assertEnrolCredential(userId, credential); // before the body is read or a face slot is taken
		return await heavyWork(async () => {
			const config = getConfig();
			const maxBytes = mbToBytes(config.maxContentMb);
			const form = await readForm(
				request,
				Math.max(maxBytes * MAX_ENROLMENT_PHOTOS, livenessBodyLimit(config))
			);
			const live = await readLivenessForm(form, request.headers, maxBytes);
			if (live) {
				const challenge = await spendChallenge(live.challenge, 'enrol');
				return json(await enrolUserLive(userId, challenge, live, credential));
			}
			if (config.enrolLiveness === 'required')
				throw new CoreError(
					'LIVENESS_REQUIRED',
					'Enrol with a guided capture: the frames of an enrol challenge.'
				);
			const field = form.has('imagenes') && !form.has('images') ? 'imagenes' : 'images';
			const images = await readImageUploads(form, field, { maxBytes, multiple: true });
			return json(await enrolUserFaces(userId, images, credential));
		});
	} catch (error) {
		return errorResponse(error);
	}
};
