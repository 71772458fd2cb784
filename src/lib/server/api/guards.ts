import { CoreError, type ErrorCode } from '../../core/errors';
import { apiKeyOf, authorize, hasScope, optionalCaller, type Caller } from '../auth/api-keys';
import { tokenFromAuthorization, type TokenClaims } from '../auth/tokens';
import type { ApiScope } from '../config';
import { requireToken, type EnrolCredential } from '../people/login';
import type { Services } from '../services';

/**
 * Who may call a route. Each route states one of these in the contract; the endpoint wrapper runs its guard
 * before anything else (before the body is read, before a face slot is taken) and the OpenAPI document
 * derives the route's security requirements and 401/403 answers from it.
 */
export type Access =
	/** Anyone (rate limits, where there are any, are the route's own). */
	| { kind: 'public' }
	/** An API key with this scope (`x-api-key` or `Authorization: Bearer mvk_…`); PUBLIC_SCOPES may open verify/recognize. */
	| { kind: 'apiKey'; scope: ApiScope }
	/** A face-login token (JWT from POST /autenticacion), still current. */
	| { kind: 'loginToken' }
	/** A `manage` key, or the user's own face-login token (the route checks it is theirs). */
	| { kind: 'operatorOrLoginToken' }
	/** A `manage` key, or the user's single-use enrolment token (checked against the user before the body). */
	| { kind: 'operatorOrEnrolmentToken' }
	/** Anyone; a `manage` key makes the caller an operator (no sign-up limit, honest conflicts). */
	| { kind: 'publicOrOperator' };

/** What each guard hands the route. */
export type CallerOf<A extends Access> = A extends { kind: 'apiKey' }
	? Caller
	: A extends { kind: 'loginToken' }
		? TokenClaims
		: A extends { kind: 'operatorOrLoginToken' }
			? { kind: 'operator' } | { kind: 'user'; claims: TokenClaims }
			: A extends { kind: 'operatorOrEnrolmentToken' }
				? EnrolCredential
				: A extends { kind: 'publicOrOperator' }
					? { operator: boolean; caller: Caller | null }
					: null;

export async function guard<A extends Access>(
	access: A,
	request: Request,
	services: Services
): Promise<CallerOf<A>> {
	const authorization = () => request.headers.get('authorization');
	let caller: unknown;
	switch (access.kind) {
		case 'public':
			caller = null;
			break;
		case 'apiKey':
			caller = await authorize(services, request, access.scope);
			break;
		case 'loginToken':
			caller = await requireToken(services, authorization());
			break;
		case 'operatorOrLoginToken':
			if (apiKeyOf(request)) {
				await authorize(services, request, 'manage');
				caller = { kind: 'operator' };
			} else caller = { kind: 'user', claims: await requireToken(services, authorization()) };
			break;
		case 'operatorOrEnrolmentToken':
			if (apiKeyOf(request)) {
				await authorize(services, request, 'manage');
				caller = { kind: 'operator' };
			} else caller = { kind: 'enrolment', token: tokenFromAuthorization(authorization()) };
			break;
		case 'publicOrOperator': {
			const key = await optionalCaller(services.store, request);
			caller = { operator: hasScope(key, 'manage'), caller: key };
			break;
		}
		default:
			throw new CoreError('INTERNAL', 'Unknown access rule.');
	}
	return caller as CallerOf<A>;
}

/** The error codes a guard can answer with, for the OpenAPI document. */
export function guardErrors(access: Access): ErrorCode[] {
	switch (access.kind) {
		case 'public':
			return [];
		case 'loginToken':
			return ['UNAUTHORIZED'];
		case 'publicOrOperator':
			return ['UNAUTHORIZED'];
		default:
			return ['UNAUTHORIZED', 'FORBIDDEN'];
	}
}

/** OpenAPI security requirements of an access rule (scheme names are defined in ./openapi.ts). */
export function securityOf(access: Access): Record<string, string[]>[] | undefined {
	const key = (scope: string): Record<string, string[]>[] => [{ apiKey: [scope] }, { apiKeyBearer: [scope] }];
	switch (access.kind) {
		case 'public':
			return undefined;
		case 'apiKey':
			return key(access.scope);
		case 'loginToken':
			return [{ loginToken: [] }];
		case 'operatorOrLoginToken':
			return [{ loginToken: [] }, ...key('manage')];
		case 'operatorOrEnrolmentToken':
			return [{ enrolmentToken: [] }, ...key('manage')];
		case 'publicOrOperator':
			return [{}, ...key('manage')];
	}
}

/** The one-line summary of an access rule that each operation's description starts with. */
export function accessNote(access: Access): string {
	switch (access.kind) {
		case 'public':
			return 'Public: no credentials.';
		case 'apiKey':
			return `Needs an API key with the \`${access.scope}\` scope${access.scope === 'manage' ? '' : ` (unless PUBLIC_SCOPES includes ${access.scope})`}.`;
		case 'loginToken':
			return 'Needs a current face-login token: `Authorization: Bearer <token>` (or the bare token).';
		case 'operatorOrLoginToken':
			return "Needs the user's own face-login token, or an API key with the `manage` scope.";
		case 'operatorOrEnrolmentToken':
			return "Needs the user's enrolment token (`Authorization: Bearer enr_…`), or an API key with the `manage` scope.";
		case 'publicOrOperator':
			return 'Public; an API key with the `manage` scope makes the caller an operator.';
	}
}
