import { ensureBuild } from './lib/build';

/** Playwright's globalSetup: build the app first when build/ is missing or older than the sources. */
export default function globalSetup(): void {
	ensureBuild((line) => console.log(`e2e: ${line}`));
}
