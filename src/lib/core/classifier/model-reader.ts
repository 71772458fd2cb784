import { CoreError } from '../errors';

/**
 * Reads fields out of untrusted JSON by dotted path, throwing CoreError('MODEL_INVALID') that names
 * the field and what was wrong with it.
 */
export class FieldReader {
	constructor(private readonly root: unknown) {}

	fail(path: string, problem: string): never {
		throw new CoreError('MODEL_INVALID', `invalid model file: ${path} ${problem}`, { field: path });
	}

	raw(path: string): unknown {
		let node: unknown = this.root;
		for (const key of path.split('.')) {
			if (!isRecord(node)) return undefined;
			node = node[key];
		}
		return node;
	}

	object(path: string): Record<string, unknown> {
		const value = this.raw(path);
		if (!isRecord(value)) this.fail(path, 'must be an object');
		return value;
	}

	string(path: string): string {
		const value = this.raw(path);
		if (typeof value !== 'string' || value.trim() === '') this.fail(path, 'must be a non-empty string');
		return value;
	}

	number(path: string, check: { min?: number; max?: number; integer?: boolean } = {}): number {
		const value = this.raw(path);
		if (typeof value !== 'number' || !Number.isFinite(value))
			this.fail(path, `must be a finite number, got ${show(value)}`);
		if (check.integer && !Number.isInteger(value)) this.fail(path, `must be an integer, got ${value}`);
		if (check.min !== undefined && value < check.min)
			this.fail(path, `must be >= ${check.min}, got ${value}`);
		if (check.max !== undefined && value > check.max)
			this.fail(path, `must be <= ${check.max}, got ${value}`);
		return value;
	}

	numbers(path: string, length: number, check: { positive?: boolean } = {}): number[] {
		const value = this.raw(path);
		if (!Array.isArray(value)) this.fail(path, 'must be an array of numbers');
		if (value.length !== length)
			this.fail(path, `has ${value.length} values, expected ${length} (embedder size)`);
		value.forEach((v, i) => {
			if (typeof v !== 'number' || !Number.isFinite(v))
				this.fail(`${path}[${i}]`, `must be a finite number, got ${show(v)}`);
			if (check.positive && v <= 0) this.fail(`${path}[${i}]`, `must be > 0, got ${v}`);
		});
		return value.slice();
	}

	oneOf<T extends string>(path: string, allowed: readonly T[]): T {
		const value = this.raw(path);
		if (!allowed.includes(value as T))
			this.fail(path, `must be one of ${allowed.join(', ')}, got ${show(value)}`);
		return value as T;
	}
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
	if (typeof value === 'number') return String(value);
	const text = JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
