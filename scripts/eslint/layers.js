// ESLint rule: the layers of src/ may only import what the architecture allows. Checked on the
// resolved path, so a relative import ('../server/config') cannot dodge it the way an alias rule can.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIB = path.join(ROOT, 'src/lib');

/** Folder prefix (relative to the repo) -> layer name; the first match wins. */
const LAYERS = [
	['src/lib/core/', 'core'],
	['src/lib/charts/', 'charts'],
	['src/lib/i18n/', 'i18n'],
	['src/lib/browser/', 'browser'],
	['src/lib/components/', 'components'],
	['src/lib/server/', 'server'],
	['src/service-worker/', 'service-worker'],
	['src/routes/', 'routes'],
	['src/cli/', 'cli'],
	['src/hooks.server.ts', 'server']
];

/**
 * What each layer must not import (by layer name). Tests, scripts and everything else are free.
 * @type {Record<string, string[]>}
 */
export const FORBIDDEN = {
	core: ['server', 'browser', 'components', 'routes', 'cli', 'charts', 'i18n', 'service-worker'],
	charts: ['server', 'browser', 'components', 'routes', 'cli'],
	i18n: ['server', 'browser', 'components', 'routes', 'cli'],
	browser: ['server', 'routes', 'cli'],
	components: ['server', 'routes', 'cli'],
	server: ['browser', 'components', 'routes', 'cli', 'i18n'],
	'service-worker': ['server', 'browser', 'components', 'routes', 'cli'],
	cli: ['browser', 'components', 'routes']
};

/** @param {string} file @returns {string | null} */
function layerOf(file) {
	// A folder import ('../server') is the folder's index: compare it as 'src/lib/server/'.
	const relative = path.relative(ROOT, file).split(path.sep).join('/') + (path.extname(file) ? '' : '/');
	if (relative.endsWith('.test.ts')) return null;
	return LAYERS.find(([prefix]) => relative.startsWith(prefix))?.[1] ?? null;
}

/** The file an import names, or null for packages and virtual modules. */
/** @param {string} specifier @param {string} fromFile @returns {string | null} */
function resolveImport(specifier, fromFile) {
	if (specifier.startsWith('.')) return path.resolve(path.dirname(fromFile), specifier);
	for (const alias of ['#lib/', '$lib/']) {
		if (specifier.startsWith(alias)) return path.join(LIB, specifier.slice(alias.length));
	}
	if (specifier === '#lib' || specifier === '$lib') return LIB;
	return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
	meta: {
		type: 'problem',
		docs: { description: 'Keep the layers of src/ apart (on resolved paths).' },
		messages: {
			forbidden: "{{from}} must not import {{to}} ('{{specifier}}'): see the README's code structure."
		},
		schema: []
	},
	create(context) {
		const file = context.filename;
		const from = layerOf(file);
		const forbidden = (from && FORBIDDEN[from]) || [];
		if (forbidden.length === 0) return {};
		/** @param {any} node an import, export or import() node */
		function check(node) {
			const source = node.source;
			if (!source || typeof source.value !== 'string') return;
			const target = resolveImport(source.value, file);
			const to = target && layerOf(target);
			if (to && to !== from && forbidden.includes(to)) {
				context.report({ node: source, messageId: 'forbidden', data: { from, to, specifier: source.value } });
			}
		}
		return {
			ImportDeclaration: check,
			ExportNamedDeclaration: check,
			ExportAllDeclaration: check,
			ImportExpression: check
		};
	}
};

export default { rules: { layers: layersRule } };
