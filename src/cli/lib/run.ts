import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCoreError } from '../../lib/core/errors';
import { UsageError } from './args';
import { terminalOutput, type CliOutput } from './output';

/** What a command's main() may be handed instead of the defaults: tests pass a collecting output and env. */
export interface CommandContext {
	output?: CliOutput;
	env?: NodeJS.ProcessEnv;
}

/** True when `moduleUrl` is the file node/tsx was started with (not imported by a test or another module). */
export function isEntryPoint(moduleUrl: string): boolean {
	const entry = process.argv[1];
	if (!entry) return false;
	const strip = (file: string) => file.replace(/\.[cm]?[jt]s$/, '');
	return strip(path.resolve(entry)) === strip(fileURLToPath(moduleUrl));
}

/**
 * Runs a command as a script: exit 0 on success, 2 on bad flags (after the usage), 1 on any other error.
 * Expected errors print one line; unexpected ones their stack, since they are bugs.
 */
export async function runScript(
	main: (argv: string[], context: CommandContext) => Promise<unknown>,
	usageText: string
): Promise<void> {
	const output = terminalOutput();
	let code = 0;
	try {
		await main(process.argv.slice(2), { output });
	} catch (error) {
		if (error instanceof UsageError) {
			output.warn(`error: ${error.message}\n\n${usageText}`);
			code = 2;
		} else if (isCoreError(error) || error instanceof CommandError) {
			output.warn(`error: ${error.message}`);
			code = 1;
		} else {
			output.warn(
				`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
			);
			code = 1;
		}
	}
	// The WASM backend keeps handles open; leave explicitly once the output is flushed.
	process.exitCode = code;
	process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

/** A fatal, expected failure (missing folder, no data): one line, exit 1. */
export class CommandError extends Error {
	constructor(message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'CommandError';
	}
}

export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
