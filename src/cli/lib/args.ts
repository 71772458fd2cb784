import { parseArgs } from 'node:util';

/** One command-line option; `env` names the environment variable that stands in when the flag is absent. */
export interface OptionSpec {
	type: 'string' | 'boolean';
	short?: string;
	env?: string;
	default?: string;
	description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export type ParsedOptions<S extends OptionSpecs> = {
	[K in keyof S]: S[K]['type'] extends 'boolean'
		? boolean
		: S[K] extends { default: string }
			? string
			: string | undefined;
};

/** Bad flags: the command prints its usage and exits with status 2. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

export interface ParsedCommand<S extends OptionSpecs> {
	options: ParsedOptions<S>;
	help: boolean;
}

/** Flags win over environment variables, which win over defaults. */
export function parseCommand<S extends OptionSpecs>(
	argv: string[],
	specs: S,
	env: NodeJS.ProcessEnv = process.env
): ParsedCommand<S> {
	const parserOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
		help: { type: 'boolean', short: 'h' }
	};
	for (const [name, spec] of Object.entries(specs)) {
		parserOptions[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
	}
	let values: Record<string, string | boolean | undefined>;
	try {
		({ values } = parseArgs({ args: argv, options: parserOptions, strict: true, allowPositionals: false }));
	} catch (error) {
		throw new UsageError(error instanceof Error ? error.message : String(error));
	}
	const options: Record<string, string | boolean | undefined> = {};
	for (const [name, spec] of Object.entries(specs)) {
		const fromEnv = spec.env ? env[spec.env] : undefined;
		if (spec.type === 'boolean') {
			options[name] = values[name] === true || (values[name] === undefined && isTruthy(fromEnv));
		} else {
			options[name] = (values[name] as string | undefined) ?? (fromEnv || undefined) ?? spec.default;
		}
	}
	return { options: options as ParsedOptions<S>, help: values.help === true };
}

function isTruthy(value: string | undefined): boolean {
	return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export function usage(command: string, summary: string, specs: OptionSpecs): string {
	const rows = Object.entries(specs).map(([name, spec]) => {
		const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ' <value>' : ''}`;
		const extras = [
			spec.default !== undefined ? `default ${spec.default}` : '',
			spec.env ? `env ${spec.env}` : ''
		]
			.filter(Boolean)
			.join(', ');
		return `  ${flag.padEnd(34)} ${spec.description}${extras ? ` (${extras})` : ''}`;
	});
	return [
		`Usage: npm run ${command} -- [options]`,
		'',
		summary,
		'',
		'Options:',
		...rows,
		'  -h, --help'
	].join('\n');
}

interface NumberRule {
	min?: number;
	max?: number;
	integer?: boolean;
}

export function parseNumberOption(value: string, name: string, rule: NumberRule = {}): number {
	const parsed = Number(value);
	const invalid =
		value.trim() === '' ||
		!Number.isFinite(parsed) ||
		(rule.integer && !Number.isInteger(parsed)) ||
		(rule.min !== undefined && parsed < rule.min) ||
		(rule.max !== undefined && parsed > rule.max);
	if (invalid) {
		const range = [
			rule.min !== undefined ? `>= ${rule.min}` : '',
			rule.max !== undefined ? `<= ${rule.max}` : ''
		]
			.filter(Boolean)
			.join(' and ');
		throw new UsageError(
			`--${name} must be ${rule.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, got "${value}"`
		);
	}
	return parsed;
}

export function parseChoice<T extends string>(value: string, name: string, choices: readonly T[]): T {
	if (!(choices as readonly string[]).includes(value)) {
		throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${value}"`);
	}
	return value as T;
}
