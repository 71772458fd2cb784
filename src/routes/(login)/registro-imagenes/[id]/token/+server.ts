import { renewEnrolment } from '#lib/server/api/contract.ts';
import { endpoint } from '#lib/server/api/endpoint.ts';
import * as login from '#lib/server/people/login.ts';

/** Only the logged-in user themselves: replacing a face needs both a valid login and the enrolment proof. */
export const POST = endpoint(renewEnrolment, async ({ services, caller, params }) =>
	login.renewEnrolment(services, caller, params.id)
);
