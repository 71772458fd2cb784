import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTemplate, matchFace, matchPolicyFor, type PersonTemplate } from '../src/lib/core/gallery';
import { analyzeImage } from '../src/lib/core/pipeline';
import type { FaceEngine } from '../src/lib/core/face-engine';
import { decodeImageFile } from '../src/lib/server/decode';
import { readConfig } from '../src/lib/server/config';
import { peopleEngine } from '../src/lib/server/people/people-engine';
import { FACES_DIR } from './helpers/faces';

// A cross-check of the FAR-calibrated 1:N policy (fitted on ../shared/data/calibration, see
// src/lib/core/calibration/CALIBRATION.md) on photos it never saw: enrol the five "John" identities of the
// shared photo set (first four photos each, by file name); every other John photo is a genuine query
// and every face that is not a John (125 faces, group photos included) is a stranger. No stranger may be
// named; the share of Johns named is printed. Other embedders (legacy policies):
// PEOPLE_EMBEDDER=faceres-bgr npx vitest run tests/people-calibration.test.ts

const JOHNS = ['John_Salley', 'John_Savage', 'John_Schneider', 'John_Shimkus', 'John_Simm'];
const STRANGER_DIRS = ['unknown', 'multi', 'Barack_Obama', 'Kit_Harington', 'Rose_Leslie', 'Alex_Lacamoire'];
const CAST = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];

function files(dir: string): string[] {
	return readdirSync(path.join(FACES_DIR, dir))
		.sort()
		.map((f) => `${dir}/${f}`);
}

async function embeddings(engine: FaceEngine, file: string, all: boolean): Promise<Float32Array[]> {
	const faces = await analyzeImage(engine, await decodeImageFile(path.join(FACES_DIR, file)));
	return (all ? faces : faces.slice(0, 1)).map((f) => f.embedding);
}

let engine: FaceEngine;
let gallery: PersonTemplate[];
const genuine: { person: string; embedding: Float32Array }[] = [];
const strangers: Float32Array[] = [];

beforeAll(async () => {
	engine = await peopleEngine(readConfig(process.env));
	gallery = [];
	for (const john of JOHNS) {
		const photos = files(john);
		const enrol = [];
		for (const file of photos.slice(0, 4)) enrol.push(...(await embeddings(engine, file, false)));
		gallery.push(buildTemplate(john, john, enrol));
		for (const file of photos.slice(4)) {
			for (const embedding of await embeddings(engine, file, false))
				genuine.push({ person: john, embedding });
		}
	}
	const strangerFiles = [...STRANGER_DIRS.flatMap(files), ...CAST.flatMap(files)];
	for (const file of strangerFiles)
		strangers.push(...(await embeddings(engine, file, file.startsWith('multi/'))));
}, 600_000);

describe('the calibrated people policy on photos it was not fitted on', () => {
	it('names no stranger and most genuine Johns', () => {
		const policy = matchPolicyFor(engine.info.embedder);
		let strangersNamed = 0;
		let strangerMax = -1;
		for (const embedding of strangers) {
			const match = matchFace(embedding, gallery, policy);
			if (match.status === 'known') strangersNamed++;
			strangerMax = Math.max(
				strangerMax,
				match.status === 'known' ? match.person.score : (match.best?.score ?? -1)
			);
		}
		let named = 0;
		for (const { person, embedding } of genuine) {
			const match = matchFace(embedding, gallery, policy);
			if (match.status === 'known') {
				expect(match.person.id, 'a John named as another John').toBe(person);
				named++;
			}
		}
		console.log(
			`[people policy] ${engine.info.embedder}: threshold ${policy.threshold}, margin ${policy.margin}; ` +
				`${strangers.length} stranger faces, none above ${strangerMax.toFixed(3)} named: ${strangersNamed}; ` +
				`Johns named ${named} / ${genuine.length}`
		);
		expect(strangers.length).toBeGreaterThanOrEqual(120);
		expect(strangersNamed).toBe(0);
		expect(named / genuine.length).toBeGreaterThanOrEqual(0.8);
	});
});
