import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { upperBound } from '../lib/core/calibration/stats';
import { DEFAULT_CHALLENGE_POLICY, sameFaceThreshold } from '../lib/core/liveness';
import { createServerEngine } from '../lib/server/node-engine';

import { parseCommand, parseNumberOption, usage, type OptionSpecs } from './lib/args';
import { terminalOutput } from './lib/output';
import { CommandError, formatDuration, isEntryPoint, runScript, type CommandContext } from './lib/run';
import { readLivenessDataset } from './liveness/dataset';
import { evaluateLiveness, PRESENTATIONS, type Attempt, type Presentation } from './liveness/evaluate';
import { memoEngine } from './liveness/memo-engine';
import { seededWords } from './liveness/trials';

const SPECS = {
	dir: {
		type: 'string',
		env: 'LIVENESS_DIR',
		default: '../shared/data/liveness',
		description: 'folder with bona_fide/, attack_replay/, attack_stills/ and an optional manifest.csv'
	},
	json: {
		type: 'string',
		description: 'also write per-folder attempts and acceptances as JSON to this file'
	},
	'replay-trials': { type: 'string', default: '60', description: 'random challenges per replay video' },
	'wobble-trials': { type: 'string', default: '2', description: 'random challenges per waved still' },
	'on-cue-stills': {
		type: 'string',
		default: '12',
		description: 'stills tilted on cue by an adaptive attacker'
	},
	'on-cue-trials': { type: 'string', default: '5', description: 'pose-only challenges per such still' },
	seed: { type: 'string', default: '7', description: 'seed of the challenges (the run repeats)' }
} satisfies OptionSpecs;

export const USAGE = usage(
	'eval:liveness',
	'Presentation-attack detection, ISO/IEC 30107-3 style: every file of the liveness folder is judged by\n' +
		'the same checks the server runs. Attacks face seeded random challenges; bona fide clips, which cannot\n' +
		'obey an instruction, are challenged with the actions they perform (found by the same detectors).',
	SPECS
);

export interface LivenessRow {
	presentation: Presentation;
	description: string;
	attempts: number;
	accepted: number;
	/** APCER for attacks, BPCER (rejected / attempts) for bona fide. */
	errorRate: number;
	upper95: number;
	failures: Record<string, number>;
}

export interface LivenessReport {
	dir: string;
	stepMs: number;
	sameFaceThreshold: number;
	rows: LivenessRow[];
	folders: Record<string, { attempts: number; accepted: number }>;
	notJudged: string[];
	attempts: Attempt[];
}

function summarise(attempts: Attempt[]): LivenessRow[] {
	return (Object.keys(PRESENTATIONS) as Presentation[]).flatMap((presentation) => {
		const mine = attempts.filter((a) => a.presentation === presentation);
		if (mine.length === 0) return [];
		const accepted = mine.filter((a) => a.accepted).length;
		const errors = presentation === 'bona_fide' ? mine.length - accepted : accepted;
		const failures: Record<string, number> = {};
		for (const a of mine) if (a.failure) failures[a.failure] = (failures[a.failure] ?? 0) + 1;
		return [
			{
				presentation,
				description: PRESENTATIONS[presentation],
				attempts: mine.length,
				accepted,
				errorRate: errors / mine.length,
				upper95: upperBound(errors, mine.length),
				failures
			}
		];
	});
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function formatRows(rows: LivenessRow[]): string[] {
	const lines = [
		'| presentation | attempts | accepted | APCER / BPCER | 95 % upper bound | why refused |',
		'| --- | --- | --- | --- | --- | --- |'
	];
	for (const r of rows) {
		const rate = `${r.presentation === 'bona_fide' ? 'BPCER' : 'APCER'} ${pct(r.errorRate)}`;
		const why = Object.entries(r.failures)
			.sort((a, b) => b[1] - a[1])
			.map(([k, v]) => `${k} ${v}`)
			.join(', ');
		lines.push(`| ${r.description} | ${r.attempts} | ${r.accepted} | ${rate} | ${pct(r.upper95)} | ${why} |`);
	}
	return lines;
}

export async function main(argv: string[], context: CommandContext = {}): Promise<LivenessReport | null> {
	const output = context.output ?? terminalOutput();
	const { options, help } = parseCommand(argv, SPECS, context.env);
	if (help) {
		output.info(USAGE);
		return null;
	}
	const count = (name: keyof typeof SPECS) =>
		parseNumberOption(String(options[name]), name, { integer: true, min: 0 });
	const dir = path.resolve(options.dir);
	if (!existsSync(dir)) throw new CommandError(`no liveness folder at ${dir}`);
	const media = readLivenessDataset(dir);
	if (media.length === 0)
		throw new CommandError(`no bona_fide/, attack_replay/ or attack_stills/ media in ${dir}`);
	const started = performance.now();
	const engine = memoEngine(await createServerEngine());
	const threshold = sameFaceThreshold(engine.info);
	const stepMs = DEFAULT_CHALLENGE_POLICY.stepMs;
	output.info(
		`${media.length} files in ${dir}; step ${stepMs} ms; same-face cosine >= ${threshold.toFixed(4)}`
	);
	try {
		const { attempts, notJudged } = await evaluateLiveness(engine, media, {
			stepMs,
			sameFaceThreshold: threshold,
			replayTrials: count('replay-trials'),
			wobbleTrials: count('wobble-trials'),
			onCueStills: count('on-cue-stills'),
			onCueTrials: count('on-cue-trials'),
			words: seededWords(count('seed')),
			log: (line) => output.info(line)
		});
		const rows = summarise(attempts);
		const folders: LivenessReport['folders'] = {};
		for (const a of attempts) {
			const folder = a.file.split('/')[0];
			folders[folder] ??= { attempts: 0, accepted: 0 };
			folders[folder].attempts++;
			folders[folder].accepted += Number(a.accepted);
		}
		for (const line of formatRows(rows)) output.info(line);
		output.info(
			'Bona fide clips were challenged with the actions they perform, in their order (found by our own analysis of the clip ' +
				'with the same detectors, on frames 50 ms apart from the judged ones), not with random ones.'
		);
		if (notJudged.length)
			output.info(`bona fide clips that perform no challenge action (not judged): ${notJudged.join(', ')}`);
		output.info(`done in ${formatDuration(performance.now() - started)}`);
		const report: LivenessReport = {
			dir,
			stepMs,
			sameFaceThreshold: threshold,
			rows,
			folders,
			notJudged,
			attempts
		};
		if (options.json) {
			await mkdir(path.dirname(path.resolve(options.json)), { recursive: true });
			await writeFile(options.json, `${JSON.stringify(report, null, '\t')}\n`);
			output.info(`wrote ${options.json}`);
		}
		return report;
	} finally {
		await engine.dispose();
	}
}

if (isEntryPoint(import.meta.url)) await runScript(main, USAGE);
