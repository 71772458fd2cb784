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
	/** Jumps to `value` (for work reported in chunks, such as training epochs). */
	update(value: number, detail?: string): void;
	stop(): void;
}

/**
 * Terminal output: information on stdout, warnings and skips on stderr, and a live bar on stderr when it
 * is a terminal (lines written meanwhile go above the bar). Without a terminal there is no bar.
 */
export function terminalOutput(
	stream: NodeJS.WriteStream = process.stderr,
	out: NodeJS.WritableStream = process.stdout
): CliOutput {
	let active: cliProgress.MultiBar | null = null;
	const writeTo = (target: NodeJS.WritableStream) => (line: string) => {
		if (active) active.log(`${line}\n`);
		else target.write(`${line}\n`);
	};
	return {
		info: writeTo(out),
		warn: writeTo(stream),
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
					bar.increment(1, { detail: shorten(detail) });
				},
				update(value, detail = '') {
					bar.update(value, { detail: shorten(detail) });
				},
				stop() {
					bars.stop();
					active = null;
				}
			};
		}
	};
}

function shorten(detail: string): string {
	return detail.length > 40 ? `…${detail.slice(-39)}` : detail;
}

function quietProgress(): Progress {
	return { tick() {}, update() {}, stop() {} };
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
