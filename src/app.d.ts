// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Services } from './lib/server/services';

declare global {
	namespace App {
		interface Error {
			code?: string;
		}
		interface Locals {
			/** Built once in hooks `init` (src/lib/server/services.ts); set on every request by `handle`. */
			services: Services;
		}
	}
}

export {};
