// Human's no-bundle build imports every tfjs backend up front. In the face engine's worker that is 0.7 MB of
// script (WebGL and WebGPU) that the WASM backend, the one most devices run, never uses, compiled at every warm
// start. This plugin drops those two imports from Human's module; the worker imports the backend it starts
// (src/lib/browser/engine-host.ts), which registers it with tfjs as before.
// Human reads its merged `tf` namespace for WebGL only when it registers its own "humangl" backend, which the app
// never asks for. The build fails if Human's module changes shape, rather than quietly keeping the imports.

const HUMAN = /[\\/]@vladmandic[\\/]human[\\/]dist[\\/]human\.esm-nobundle\.js$/;
const GPU_IMPORT =
	/import\s*\*\s*as\s*([\w$]+)\s*from\s*"@tensorflow\/tfjs-backend-(webgl|webgpu)\/dist\/index\.js";/g;

/** @returns {import('vite').Plugin} */
export function humanLazyBackends() {
	let matched = false;
	let building = false;
	return {
		name: 'me-verifier:human-lazy-backends',
		configResolved(config) {
			building = config.command === 'build';
		},
		buildStart() {
			matched = false;
		},
		transform(code, id) {
			if (!HUMAN.test(id)) return null;
			matched = true;
			/** @type {[name: string, backend: string][]} */
			const dropped = [];
			const out = code.replace(GPU_IMPORT, (_, name, backend) => {
				dropped.push([name, backend]);
				return '';
			});
			const backends = dropped.map(([, backend]) => backend).sort();
			if (backends.join() !== 'webgl,webgpu')
				throw new Error(
					`human-lazy-backends: expected Human's webgl and webgpu imports, found ${backends.join() || 'none'}`
				);
			// At the top: Human merges the namespaces into its own before the (hoisted) import statements' place.
			const empty = dropped.map(([name]) => `${name} = {}`).join(', ');
			if (/(from|import)\s*["']@tensorflow\/tfjs-backend-(webgl|webgpu)/.test(out))
				throw new Error("human-lazy-backends: Human's module still imports a GPU backend; update the plugin");
			return { code: `const ${empty};\n${out}`, map: null };
		},
		buildEnd(error) {
			// The engine's worker bundles Human: a build of it that never saw Human's module (renamed, re-aliased)
			// would keep the GPU backends without a word.
			if (building && !error && !matched)
				throw new Error("human-lazy-backends: Human's no-bundle module was not transformed");
		}
	};
}
