import { enrolUser } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import { assertEnrolCredential, enrolUserFaces, enrolUserLive } from '#lib/server/people/login.ts';
import { spendChallenge } from '#lib/server/liveness/index.ts';
import { CoreError } from '#lib/core/errors.ts';

/** Photos, or a guided capture (the frames of a passed `enrol` challenge), become the user's template. */
export const POST = endpoint(enrolUser, {
	// Before the body is read or a face slot is taken: a made-up token must not be able to hold the queue.
	before: async ({ services, caller, params }) => {
		await assertEnrolCredential(services, params.id, caller);
	},
	handle: async ({ services, caller, params, body }) => {
		if (body.kind === 'liveness') {
			const challenge = await spendChallenge(services, body.upload.challenge, 'enrol');
			return enrolUserLive(services, params.id, challenge, body.upload, caller);
		}
		if (services.config.enrolLiveness === 'required')
			throw new CoreError(
				'LIVENESS_REQUIRED',
				'Enrol with a guided capture: the frames of an enrol challenge.'
			);
		return enrolUserFaces(services, params.id, body.uploads, caller);
	}
});
