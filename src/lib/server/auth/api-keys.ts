import { createHash, randomBytes } from 'node:crypto';
import { CoreError } from '../../core/errors';
import { API_SCOPES, type ApiScope, type ServerConfig } from '../config';
import { limitBucket } from './client-address';
import type { ApiKeyRow, Store } from '../db/store';

export { API_SCOPES, type ApiScope } from '../config';

/** Keys are 32 random bytes: a fast hash is enough (nothing to brute-force), and lookup is by hash. */
const KEY_PREFIX = 'mvk_';

export function hashApiKey(key: string): string {
	return createHash('sha256').update(key).digest('hex');
}

export function parseScopes(raw: string): ApiScope[] {
	const scopes = raw
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	if (scopes.length === 0)
		throw new CoreError('BAD_REQUEST', `Give at least one scope: ${API_SCOPES.join(', ')}.`);
	for (const scope of scopes) {
		if (!(API_SCOPES as readonly string[]).includes(scope)) {
			throw new CoreError('BAD_REQUEST', `Unknown scope '${scope}'; scopes are ${API_SCOPES.join(', ')}.`);
		}
	}
	return [...new Set(scopes)] as ApiScope[];
}

export interface CreatedKey {
	row: ApiKeyRow;
	/** The key itself: shown once, never stored. */
	key: string;
}

function newKey(name: string, scopes: readonly ApiScope[]) {
	const trimmed = name.trim();
	if (!trimmed || trimmed.length > 100) throw new CoreError('BAD_REQUEST', 'A key name is 1-100 characters.');
	const key = KEY_PREFIX + randomBytes(32).toString('base64url');
	const row = {
		name: trimmed,
		scopes: scopes.join(','),
		key_hash: hashApiKey(key),
		prefix: key.slice(0, KEY_PREFIX.length + 6)
	};
	return { key, row };
}

export async function createApiKey(
	store: Store,
	name: string,
	scopes: readonly ApiScope[]
): Promise<CreatedKey> {
	const { key, row } = newKey(name, scopes);
	return { row: await store.apiKeys.insert(row), key };
}

/**
 * On first start (no key at all, not even a revoked one) creates the admin key; null when one existed.
 * Atomic across workers and replicas starting together: one admin key, not two.
 */
export async function ensureFirstKey(store: Store): Promise<CreatedKey | null> {
	const { key, row } = newKey('admin', API_SCOPES);
	const inserted = await store.apiKeys.insertIfNone(row);
	return inserted ? { row: inserted, key } : null;
}

/** The API key of a request: `x-api-key`, or `Authorization: Bearer mvk_…`. */
export function apiKeyOf(request: Request): string | null {
	const header = request.headers.get('x-api-key')?.trim();
	if (header) return header;
	const match = /^bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
	return match && match[1].startsWith(KEY_PREFIX) ? match[1] : null;
}

export interface Caller {
	/** null when the route's scope is public by configuration and no key was sent. */
	keyId: string | null;
	scopes: readonly ApiScope[];
}

/** What checking a request's key needs: the key table, and the settings that open scopes or name proxies. */
export interface KeyContext {
	config: ServerConfig;
	store: Store;
}

async function keyRowOf(store: Store, request: Request): Promise<ApiKeyRow | null> {
	const key = apiKeyOf(request);
	if (!key) return null;
	const row = await store.apiKeys.byHash(hashApiKey(key));
	if (!row || row.revoked_at)
		throw new CoreError('UNAUTHORIZED', 'The API key is not valid (unknown or revoked).');
	return row;
}

/** The caller's key if it sent one (checked); null for an anonymous request. */
export async function optionalCaller(store: Store, request: Request): Promise<Caller | null> {
	const row = await keyRowOf(store, request);
	return row ? { keyId: row.id, scopes: row.scopes.split(',') as ApiScope[] } : null;
}

/**
 * The rate-limit bucket of an anonymous-friendly route: the caller's API key when it sends one, else its
 * address (X-Forwarded-For only from TRUSTED_PROXIES; IPv6 by /64).
 */
export async function requestBucket(
	{ config, store }: KeyContext,
	request: Request,
	getClientAddress: () => string
): Promise<string> {
	const caller = await optionalCaller(store, request);
	return limitBucket(
		caller?.keyId,
		getClientAddress,
		request.headers.get('x-forwarded-for'),
		config.trustedProxies
	);
}

/**
 * 401 without a valid key, 403 with a key that lacks the scope. A scope listed in PUBLIC_SCOPES needs no key
 * (a key that is sent is still checked).
 */
export async function authorize(
	{ config, store }: KeyContext,
	request: Request,
	scope: ApiScope
): Promise<Caller> {
	const caller = await optionalCaller(store, request);
	if (!caller) {
		if (config.publicScopes.includes(scope)) return { keyId: null, scopes: [] };
		throw new CoreError(
			'UNAUTHORIZED',
			`This route needs an API key with the '${scope}' scope: send it as x-api-key or Authorization: Bearer.`
		);
	}
	if (!caller.scopes.includes(scope)) {
		throw new CoreError('FORBIDDEN', `This API key lacks the '${scope}' scope.`);
	}
	return caller;
}

export function hasScope(caller: Caller | null, scope: ApiScope): boolean {
	return !!caller?.scopes.includes(scope);
}
