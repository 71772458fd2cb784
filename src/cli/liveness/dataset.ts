import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isImageFile } from '../lib/dataset';

/** Attack kinds of the ISO/IEC 30107-3 style table, in the order they are printed. */
export type MediaKind = 'bona_fide' | 'attack_replay' | 'attack_stills';

export interface MediaFile {
	kind: MediaKind;
	/** Path relative to the dataset folder, e.g. `attack_replay/tv_fake.mp4`. */
	name: string;
	file: string;
	note: string;
	/** Seconds to skip at the start (a replay that shows the real person first says so in its note). */
	trimStartMs: number;
	/** Blinks the manifest counted (column blinks_10fps), when it says. */
	blinks: number | null;
}

const VIDEO = /\.(mp4|webm|mpg|mpeg|mov|mkv|avi|y4m)$/i;

/** Minimal CSV reader (quoted fields with commas, doubled quotes). */
function parseCsv(text: string): Record<string, string>[] {
	const rows: string[][] = [];
	for (const line of text.split(/\r?\n/).filter((l) => l.trim() !== '')) {
		const cells: string[] = [];
		let cell = '';
		let quoted = false;
		for (let i = 0; i < line.length; i++) {
			const c = line[i];
			if (quoted && c === '"' && line[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (c === '"') quoted = !quoted;
			else if (c === ',' && !quoted) {
				cells.push(cell);
				cell = '';
			} else cell += c;
		}
		cells.push(cell);
		rows.push(cells);
	}
	const [header, ...body] = rows;
	return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/**
 * The media of a liveness folder: any of bona_fide/ (videos), attack_replay/ (videos) and attack_stills/
 * (photos), plus an optional manifest.csv: its `note` (a trim) and `blinks_10fps` columns are used.
 */
export function readLivenessDataset(dir: string): MediaFile[] {
	const manifestPath = path.join(dir, 'manifest.csv');
	const rows = new Map<string, Record<string, string>>();
	if (existsSync(manifestPath)) {
		for (const row of parseCsv(readFileSync(manifestPath, 'utf8'))) rows.set(row.file, row);
	}
	const out: MediaFile[] = [];
	for (const kind of ['bona_fide', 'attack_replay', 'attack_stills'] as const) {
		const folder = path.join(dir, kind);
		if (!existsSync(folder)) continue;
		const wanted = (entry: string) => (kind === 'attack_stills' ? isImageFile(entry) : VIDEO.test(entry));
		for (const entry of readdirSync(folder).sort()) {
			if (!wanted(entry)) continue;
			const name = `${kind}/${entry}`;
			const note = rows.get(name)?.note ?? '';
			const blinks = rows.get(name)?.blinks_10fps?.trim();
			// e.g. "REAL person visible behind in first ~1s - trim": skip that second and a half more.
			const trim = /first ~?(\d+(?:\.\d+)?)\s*s\b.*trim/i.exec(note);
			out.push({
				kind,
				name,
				file: path.join(folder, entry),
				note,
				trimStartMs: trim ? Number(trim[1]) * 1000 + 500 : 0,
				blinks: blinks && /^\d+$/.test(blinks) ? Number(blinks) : null
			});
		}
	}
	return out;
}
