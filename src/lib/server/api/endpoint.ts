import type { RequestEvent, RequestHandler } from '@sveltejs/kit';
import type { z } from 'zod';
import type { ErrorCode } from '../../core/errors';
import { errorResponse, json } from '../http';
import type { Services } from '../services';
import { readBody, validate, type BodySpec } from './body';
import { guard, type Access, type CallerOf } from './guards';

/**
 * One operation of the HTTP API: who may call it, what it takes, what it answers. The route's handler
 * gets typed, validated input; the OpenAPI document (./openapi.ts) is generated from the same object.
 */
export interface Operation<
	A extends Access = Access,
	P extends z.ZodType | undefined = z.ZodType | undefined,
	Q extends z.ZodType | undefined = z.ZodType | undefined,
	B extends z.ZodType | undefined = z.ZodType | undefined,
	R extends Record<number, z.ZodType> = Record<number, z.ZodType>,
	L extends boolean = boolean
> {
	operationId: string;
	summary: string;
	/** What the operation does, after the access rule the document writes first. */
	description?: string;
	tag: 'verify' | 'people' | 'face login' | 'liveness' | 'meta';
	access: A;
	params?: P;
	query?: Q;
	body?: B extends z.ZodType ? BodySpec<B> : undefined;
	/**
	 * The handler reads the body itself, through `body()`, when it has to count or check something first
	 * (face login counts the attempt before the upload is read); it then takes the face slot itself too.
	 */
	lazyBody?: L;
	/** Face work: the body is read and the handler runs in one of the worker's few face slots (503 BUSY when full). */
	heavy?: boolean;
	/** Successful answers by status, each with its schema and what it means. */
	responses: R;
	/** What each success status means (defaults to the schema's description). */
	responseNotes?: Partial<Record<keyof R & number, string>>;
	/** Error codes the operation itself can answer with, besides those its access, input and `heavy` imply. */
	errors: readonly ErrorCode[];
	/** Extra words on particular codes for this route (the document lists them by status). */
	errorNotes?: Partial<Record<ErrorCode, string>>;
	/** Request headers worth documenting (e.g. X-Liveness-Challenge). */
	headers?: Record<string, string>;
}

/** Identity with inference: keeps each operation's literal types for its route's handler. */
export function operation<
	A extends Access,
	P extends z.ZodType | undefined,
	Q extends z.ZodType | undefined,
	B extends z.ZodType | undefined,
	R extends Record<number, z.ZodType>,
	L extends boolean = false
>(op: Operation<A, P, Q, B, R, L>): Operation<A, P, Q, B, R, L> {
	return op;
}

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface Context<A extends Access, P, Q> {
	event: RequestEvent;
	request: Request;
	/** The server's services (event.locals.services, built once in hooks `init`). */
	services: Services;
	caller: CallerOf<A>;
	/** `performance.now()` when the request arrived (answers report `timing_ms` from it). */
	startedAt: number;
	params: Out<P>;
	query: Out<Q>;
}

/** A success answer with another status than the operation's lowest (the default), or with extra headers. */
export class Reply<T> {
	constructor(
		readonly status: number,
		readonly body: T,
		readonly headers: Record<string, string> = {}
	) {}
}

export function reply<T>(status: number, body: T, headers: Record<string, string> = {}): Reply<T> {
	return new Reply(status, body, headers);
}

type Answer<R extends Record<number, z.ZodType>> = z.input<R[keyof R]>;

export interface Handlers<A extends Access, P, Q, B, R extends Record<number, z.ZodType>, L extends boolean> {
	/** Runs after the guard and the path parameters, before the body is read or a face slot is taken. */
	before?: (context: Context<A, P, Q>) => Promise<void>;
	handle: (
		context: Context<A, P, Q> & { body: L extends true ? () => Promise<Out<B>> : Out<B> }
	) => Promise<Answer<R> | Reply<Answer<R>>>;
}

/** The SvelteKit handler of one operation; `operation` is kept on it so tests can check the route uses it. */
export type EndpointHandler = RequestHandler & { operation: Operation };

/** The services `handle` put on the request (hooks.server.ts); tests put their own on a fake event's `locals`. */
export function servicesOf(event: Pick<RequestEvent, 'locals'>): Services {
	const services = (event.locals as Partial<App.Locals> | undefined)?.services;
	if (!services)
		throw new Error('No services on event.locals: the server was not started through hooks init.');
	return services;
}

/**
 * The one way a route answers: guard → path parameters → `before` → query → (face slot →) body → handler →
 * JSON. Every failure goes through `errorResponse` (the one code → status map); validation failures are
 * BAD_REQUEST naming the field.
 */
export function endpoint<
	A extends Access,
	P extends z.ZodType | undefined,
	Q extends z.ZodType | undefined,
	B extends z.ZodType | undefined,
	R extends Record<number, z.ZodType>,
	L extends boolean = false
>(
	op: Operation<A, P, Q, B, R, L>,
	handlers: Handlers<A, P, Q, B, R, L> | Handlers<A, P, Q, B, R, L>['handle']
): EndpointHandler {
	const { before, handle } =
		typeof handlers === 'function' ? { before: undefined, handle: handlers } : handlers;
	const [okStatus] = Object.keys(op.responses).map(Number);
	const handler = async (event: RequestEvent): Promise<Response> => {
		const { request } = event;
		const startedAt = performance.now();
		try {
			const services = servicesOf(event);
			const caller = await guard(op.access, request, services);
			const params = (op.params ? await validate(op.params, event.params ?? {}) : {}) as Out<P>;
			const base = { event, request, services, caller, startedAt, params, query: {} as Out<Q> };
			if (before) await before(base);
			if (op.query) {
				const url = event.url ?? new URL(request.url);
				base.query = (await validate(op.query, Object.fromEntries(url.searchParams))) as Out<Q>;
			}
			const run = async () => {
				const read = () =>
					(op.body ? readBody(op.body, request, services.config) : Promise.resolve({})) as Promise<Out<B>>;
				const body = op.lazyBody ? read : await read();
				const answer = await handle({ ...base, body } as Parameters<typeof handle>[0]);
				return answer instanceof Reply
					? json(answer.body, answer.status, answer.headers)
					: json(answer, okStatus);
			};
			// A lazy body is read by the handler, which takes the face slot itself (after its own checks).
			return await (op.heavy && !op.lazyBody ? services.heavy.run(run) : run());
		} catch (error) {
			return errorResponse(error);
		}
	};
	return Object.assign(handler, { operation: op as unknown as Operation });
}
