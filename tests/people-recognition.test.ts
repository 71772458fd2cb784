import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '../src/lib/core/types';
import { POST as processFrame } from '../src/routes/(api)/process_frame/+server';
import { POST as register } from '../src/routes/(api)/register/+server';
import { facePath } from './helpers/faces';
import { GROUP_PHOTOS } from './helpers/group-photos';
import { call, form, isolatedServerState } from './people-routes';

// Issue 4's real-photo test: register the eight TV characters from four grayscale crops each (photo 5
// kept back) and recognise them in colour group photos. Thresholds come from a calibration that never
// saw these photos (src/lib/core/calibration/CALIBRATION.md), so this measures, it does not tune.

const CAST = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];

const STRANGER_PHOTOS = [
	'unknown/angry.jpg',
	'unknown/disgusted.jpg',
	'unknown/fearful.jpg',
	'unknown/happy.jpg',
	'unknown/ivan.jpg',
	'unknown/lin-manuel-miranda.png',
	'unknown/neutral.jpg',
	'unknown/sad.jpg',
	'unknown/surprised.jpg',
	'multi/kit_with_rose.jpg',
	'multi/2007_007763.jpg',
	'multi/2008_002470.jpg',
	'multi/2008_007676.jpg'
];

interface Named {
	name: string | null;
	box: Box;
	confidence?: number;
}

async function recognise(file: string): Promise<Named[]> {
	const { status, json } = await call(processFrame, form({}, { image: [file] }));
	expect(status, JSON.stringify(json)).toBe(200);
	return [
		...json.recognized_faces.map((f: { name: string; box: Box; confidence: number }) => ({
			name: f.name,
			box: f.box,
			confidence: f.confidence
		})),
		...json.unknown_faces.map((f: { box: Box }) => ({ name: null, box: f.box }))
	];
}

/** The detected face whose box holds the labelled centre (the closest box centre when several do). */
function faceAt(faces: Named[], x: number, y: number): Named | null {
	let best: Named | null = null;
	let bestDistance = Infinity;
	for (const face of faces) {
		const [bx, by, bw, bh] = face.box;
		if (x < bx || x > bx + bw || y < by || y > by + bh) continue;
		const distance = Math.hypot(bx + bw / 2 - x, by + bh / 2 - y);
		if (distance < bestDistance) [best, bestDistance] = [face, distance];
	}
	return best;
}

let state: ReturnType<typeof isolatedServerState>;

beforeAll(async () => {
	state = isolatedServerState();
	for (const name of CAST) {
		const photos = [1, 2, 3, 4].map((i) => `${name}/${name}${i}.png`);
		const { status, json } = await call(register, form({ name }, { images: photos }));
		expect(status, JSON.stringify(json)).toBe(201);
		expect(json.faces_used).toBe(4);
	}
});

afterAll(() => state?.cleanup());

describe('recognising the registered cast in group photos', () => {
	it('names at least 60 % of the labelled faces and never names a face as the wrong person', async () => {
		const rows: string[] = [];
		let labelled = 0;
		let correct = 0;
		let wrong = 0;
		for (const [file, labels] of Object.entries(GROUP_PHOTOS)) {
			const faces = await recognise(file);
			const { width, height } = await sharp(facePath(file)).metadata();
			const claimed = new Set<Named>();
			const tally = { correct: 0, wrong: 0, unknown: 0, missed: 0 };
			for (const [name, fx, fy] of labels) {
				labelled++;
				const face = faceAt(faces, fx * width!, fy * height!);
				if (!face) tally.missed++;
				else {
					claimed.add(face);
					if (face.name === name) tally.correct++;
					else if (face.name) tally.wrong++;
					else tally.unknown++;
				}
			}
			// Faces nobody labelled (blurred background people) must not carry a cast name either.
			const unlabelledNamed = faces.filter((f) => !claimed.has(f) && f.name).length;
			tally.wrong += unlabelledNamed;
			correct += tally.correct;
			wrong += tally.wrong;
			rows.push(`${file}: ${labels.length} labelled, ${faces.length} detected -> ${JSON.stringify(tally)}`);
		}
		rows.push(
			`total: ${correct}/${labelled} correct (${((100 * correct) / labelled).toFixed(0)} %), ${wrong} wrong`
		);
		console.log(`[people] group photos\n  ${rows.join('\n  ')}`);
		expect(wrong).toBe(0);
		// 15 of 22 at the FAR-calibrated threshold (0.961: at most 1 stranger in 1,000 named at 100 people).
		// The thresholds before calibration named 19 of 22 here, and 7.3 % of strangers on a public benchmark.
		expect(correct / labelled).toBeGreaterThanOrEqual(0.6);
	});

	it('never names anyone in photos of unregistered people', async () => {
		const named: string[] = [];
		let faces = 0;
		for (const file of STRANGER_PHOTOS) {
			const found = await recognise(file);
			faces += found.length;
			for (const f of found) if (f.name) named.push(`${file}: ${f.name} (${f.confidence})`);
		}
		console.log(`[people] ${faces} faces of unregistered people, ${named.length} named`);
		expect(faces).toBeGreaterThanOrEqual(STRANGER_PHOTOS.length);
		expect(named).toEqual([]);
	});

	it('recognises the held-back fifth photo of each person as that person, or leaves it unknown', async () => {
		let correct = 0;
		for (const name of CAST) {
			const { json } = await call(processFrame, form({}, { image: [`${name}/${name}5.png`] }));
			const names = json.recognized_faces.map((f: { name: string }) => f.name);
			expect(
				names.every((n: string) => n === name),
				`${name}5: ${names}`
			).toBe(true);
			if (names.length) correct++;
		}
		console.log(`[people] held-back photos named correctly: ${correct}/${CAST.length}`);
		expect(correct).toBeGreaterThanOrEqual(5);
	});
});
