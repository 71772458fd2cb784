import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/lib/core/errors';
import { API } from '../src/lib/server/api/contract';
import { buildOpenApiDocument } from '../src/lib/server/api/openapi';
import { REPO_ROOT } from './helpers/faces';

// The OpenAPI document (generated from the contract's schemas, served at /openapi.json) must describe every
// server route with exactly the methods it exports, and each route must answer through its operation.

const ROUTES = path.join(REPO_ROOT, 'src/routes');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
interface Operation {
	operationId?: string;
	responses: Record<string, unknown>;
}

// Read as a client would: the JSON text of the document.
const doc = JSON.parse(JSON.stringify(buildOpenApiDocument()));

function serverRoutes(dir = ROUTES): { path: string; methods: string[]; file: string }[] {
	const found: { path: string; methods: string[]; file: string }[] = [];
	for (const entry of readdirSync(dir)) {
		const full = path.join(dir, entry);
		if (statSync(full).isDirectory()) found.push(...serverRoutes(full));
		else if (entry === '+server.ts') {
			const source = readFileSync(full, 'utf8');
			const methods = METHODS.filter((m) => new RegExp(`export const ${m}\\b`).test(source));
			const segments = path.relative(ROUTES, dir).split(path.sep);
			// Route groups such as (api) organise folders and are not part of the URL.
			const route = '/' + segments.filter((s) => !/^\(.+\)$/.test(s)).join('/');
			found.push({ path: route.replace(/\[(\w+)\]/g, '{$1}'), methods, file: full });
		}
	}
	return found;
}

function refs(node: unknown, out: string[] = []): string[] {
	if (Array.isArray(node)) node.forEach((n) => refs(n, out));
	else if (node && typeof node === 'object') {
		for (const [key, value] of Object.entries(node)) {
			if (key === '$ref' && typeof value === 'string') out.push(value);
			else refs(value, out);
		}
	}
	return out;
}

describe('OpenAPI document', () => {
	it('is OpenAPI 3.1 and lists every route with the methods it exports, and nothing else', () => {
		expect(doc.openapi).toMatch(/^3\.1\./);
		const routes = serverRoutes();
		expect(routes.length).toBeGreaterThanOrEqual(11);
		const documented = Object.fromEntries(
			Object.entries(doc.paths as Record<string, object>).map(([p, item]) => [
				p,
				Object.keys(item)
					.map((k) => k.toUpperCase())
					.filter((k) => METHODS.includes(k))
					.sort()
			])
		);
		expect(documented).toEqual(Object.fromEntries(routes.map((r) => [r.path, [...r.methods].sort()])));
	});

	it('has no hand-written copy left in static/', () => {
		expect(existsSync(path.join(REPO_ROOT, 'static/openapi.json'))).toBe(false);
	});

	it('each route file answers through the operation the contract lists for its URL and method', async () => {
		for (const route of serverRoutes()) {
			const module = (await import(/* @vite-ignore */ route.file)) as Record<string, { operation?: unknown }>;
			for (const method of route.methods) {
				const listed = API[route.path]?.[method as 'GET'];
				expect(listed, `${method} ${route.path}`).toBeDefined();
				expect(module[method].operation, `${method} ${route.path} uses endpoint(<its operation>)`).toBe(
					listed
				);
			}
		}
	});

	it("each group's routes use that group's guards: API keys in (api) and (app), tokens in (login)", () => {
		const allowed: Record<string, string[]> = {
			'(api)': ['apiKey', 'public'],
			'(app)': ['apiKey'],
			'(login)': [
				'loginToken',
				'operatorOrLoginToken',
				'operatorOrEnrolmentToken',
				'publicOrOperator',
				'public'
			]
		};
		for (const route of serverRoutes()) {
			const group = path.relative(ROUTES, route.file).split(path.sep)[0];
			for (const method of route.methods) {
				const access = API[route.path]?.[method as 'GET']?.access.kind;
				expect(allowed[group], `${method} ${route.path} in ${group}`).toContain(access);
			}
		}
	});

	it('every $ref resolves and every operation documents its errors in the shared shape', () => {
		for (const ref of refs(doc)) {
			const name = ref.replace('#/components/schemas/', '');
			expect(doc.components.schemas[name], ref).toBeDefined();
		}
		expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
		for (const [route, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
			for (const [method, op] of Object.entries(item)) {
				if (!METHODS.includes(method.toUpperCase())) continue;
				expect(op.operationId, `${method} ${route}`).toBeTruthy();
				const codes = Object.keys(op.responses);
				expect(
					codes.some((c) => c.startsWith('2')),
					`${method} ${route}`
				).toBe(true);
			}
		}
	});
});
