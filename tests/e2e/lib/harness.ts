/** A minimal sequential test runner: specs register tests in order; later tests may use earlier results. */

export interface TestCase {
	name: string;
	fn: () => Promise<void>;
	timeoutMs: number;
}

export const registry: TestCase[] = [];

export function test(name: string, fn: () => Promise<void>, timeoutMs = 180_000): void {
	registry.push({ name, fn, timeoutMs });
}

export class AssertionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'AssertionError';
	}
}

export function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new AssertionError(message);
}

export function assertEqual<T>(actual: T, expected: T, what: string): void {
	if (actual !== expected) {
		throw new AssertionError(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
	}
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${name}: timed out after ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}
