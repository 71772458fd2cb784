import cliProgress from 'cli-progress';

/** Where a command writes its lines; tests pass a collecting one, scripts the terminal. */
export interface CliOutput {
	info(line: string): void;
	warn(line: string): void;
	/** A progress bar over `total` steps; lines written while it runs appear above it. */
	progress(label: string, total: number): Progress;
}

export interface Progress {
	tick(detail?: string): void;
	stop(): void;
}

/** Terminal output: a live bar on a TTY (stderr, so stdout stays clean for piping), plain lines otherwise. */
export function terminalOutput(stream: NodeJS.WriteStream = process.stderr): CliOutput {
	let active: cliProgress.MultiBar | null = null;
	const write = (line: string) => {
		if (active) active.log(`${line}\n`);
		else stream.write(`${line}\n`);
	};
	return {
		info: write,
		warn: write,
		progress(label, total) {
			if (!stream.isTTY || total === 0) return quietProgress();
			const bars = new cliProgress.MultiBar(
				{
					stream,
					format: `${label.padEnd(8)} [{bar}] {percentage}% {value}/{total} eta {eta_formatted} {detail}`,
					hideCursor: true,
					clearOnComplete: false,
					autopadding: true
				},
				cliProgress.Presets.shades_classic
			);
			const bar = bars.create(total, 0, { detail: '' });
			active = bars;
			return {
				tick(detail = '') {
					bar.increment(1, { detail: detail.length > 40 ? `…${detail.slice(-39)}` : detail });
				},
				stop() {
					bars.stop();
					active = null;
				}
			};
		}
	};
}

function quietProgress(): Progress {
	return { tick() {}, stop() {} };
}

/** Keeps every line; for tests and for callers that want the log as data. */
export interface CollectedOutput extends CliOutput {
	lines: string[];
	warnings: string[];
}

export function collectingOutput(): CollectedOutput {
	const lines: string[] = [];
	const warnings: string[] = [];
	return {
		lines,
		warnings,
		info: (line) => lines.push(line),
		warn: (line) => {
			lines.push(line);
			warnings.push(line);
		},
		progress: () => quietProgress()
	};
}
