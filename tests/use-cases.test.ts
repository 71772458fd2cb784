import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelFile } from '../src/lib/core/classifier/model-file';
import type { FaceEngine } from '../src/lib/core/face-engine';
import { buildTemplate } from '../src/lib/core/gallery';
import { matchPolicyFor } from '../src/lib/core/gallery';
import { detectFaces, pickMainFace } from '../src/lib/core/pipeline';
import { DEFAULT_QUALITY } from '../src/lib/core/quality';
import type { Box } from '../src/lib/core/types';
import { embedOneFace } from '../src/lib/core/use-cases/one-face';
import { recognizeFaces } from '../src/lib/core/use-cases/recognize';
import { verifyImage } from '../src/lib/core/use-cases/verify';
import { decodeImage, decodeImageFile } from '../src/lib/server/decode';
import { engineFor } from '../src/lib/server/node-engine';
import { facePath } from './helpers/faces';
import { embedFiles, photosOf, trainTestModel } from './helpers/model';

// The use-cases every edge calls (browser, server, commands), on the real models and real photos.

let engine: FaceEngine;
let model: ModelFile;

beforeAll(async () => {
	engine = await engineFor();
	model = (await trainTestModel(engine)).model;
});

/** True when two boxes have the same centre to within a fraction of their size (the detector's box of a
 * small face is looser than of the same face larger, so the sides are not compared). */
function sameCentre(a: Box, b: Box, tolerance = 0.15): boolean {
	const size = Math.max(b[2], b[3]);
	return (
		Math.hypot(a[0] + a[2] / 2 - (b[0] + b[2] / 2), a[1] + a[3] / 2 - (b[1] + b[3] / 2)) <= tolerance * size
	);
}

describe('verify an image', () => {
	it('answers in the pixels of the image as given, also when it was downscaled before detection', async () => {
		const chip = readFileSync(facePath('unknown/ivan.jpg'));
		const small = await decodeImage(chip);
		const [reference] = (await verifyImage(engine, model, small, { mainOnly: true })).verdicts;
		// The same photo at (1900, 900) on a 3000 x 2000 canvas: decoding shrinks it (MAX_IMAGE_SIDE 1280).
		const at: [number, number] = [1900, 900];
		const canvas = await sharp(chip)
			.extend({ left: at[0], top: at[1], right: 539, bottom: 539, background: '#777' })
			.jpeg({ quality: 95 })
			.toBuffer();
		const large = await decodeImage(new Uint8Array(canvas));
		expect(large.width).toBeLessThan(1300);
		expect(large.sourceScale).toBeGreaterThan(2);
		const [verdict] = (await verifyImage(engine, model, large, { mainOnly: true })).verdicts;
		const expected: Box = [
			reference.box[0] + at[0],
			reference.box[1] + at[1],
			reference.box[2],
			reference.box[3]
		];
		expect(sameCentre(verdict.box, expected), `${verdict.box} vs ${expected}`).toBe(true);
		expect(verdict.isMe).toBe(reference.isMe);
	});

	it('picks the same main face for the one-person answer and the every-face answer, and caps the faces scored', async () => {
		const image = await decodeImageFile(facePath('multi/bbt4.jpg'));
		const faces = await detectFaces(engine, image);
		expect(faces.length).toBeGreaterThanOrEqual(6);
		const main = pickMainFace(faces, image);
		const one = await verifyImage(engine, model, image, { mainOnly: true });
		const every = await verifyImage(engine, model, image);
		const capped = await verifyImage(engine, model, image, { maxFaces: 3 });
		expect(one.verdicts).toHaveLength(1);
		expect(one.verdicts[0].box).toEqual(every.verdicts[0].box);
		expect(every.verdicts[0].main).toBe(true);
		expect(every.verdicts.filter((v) => v.main)).toHaveLength(1);
		expect(one.verdicts[0].face.box).toEqual(main.box);
		expect(every.verdicts).toHaveLength(faces.length);
		expect(capped.verdicts).toHaveLength(3);
		expect(capped.facesFound).toBe(faces.length);
		expect(capped.verdicts[0].box).toEqual(one.verdicts[0].box);
		// The same face scores the same whichever way it was asked.
		expect(every.verdicts[0].score).toBeCloseTo(one.verdicts[0].score, 6);
	});
});

describe('recognise a frame', () => {
	it('names the enrolled people of a group photo, caps the faces, and answers in upload pixels', async () => {
		const people = ['sheldon', 'leonard'];
		const gallery = [];
		for (const name of people) {
			const vectors = await embedFiles(engine, photosOf(name));
			gallery.push(buildTemplate(name, name, vectors));
		}
		const policy = matchPolicyFor(engine.info.embedder);
		const bytes = await sharp(facePath('multi/bbt3.jpg'))
			.resize({ width: 2560 })
			.jpeg({ quality: 95 })
			.toBuffer();
		const image = await decodeImage(new Uint8Array(bytes));
		const all = await recognizeFaces(engine, image, gallery, policy);
		const named = all
			.filter((f) => f.match.status === 'known')
			.map((f) => f.match.status === 'known' && f.match.person.id);
		expect(named.sort()).toEqual(['leonard', 'sheldon']);
		for (const face of all)
			expect(face.box[0] + face.box[2]).toBeGreaterThan(face.face.box[0] + face.face.box[2]);
		expect(await recognizeFaces(engine, image, gallery, policy, 2)).toHaveLength(2);
	});
});

describe('exactly one usable face, then embed', () => {
	it('enrols a lone face and a face with a small passer-by, and refuses none, several or a poor one', async () => {
		const decode = (file: string) => decodeImageFile(facePath(file));
		const lone = await embedOneFace(engine, await decode(photosOf('Barack_Obama')[0]), {
			quality: DEFAULT_QUALITY
		});
		expect(lone.status).toBe('ok');
		expect(lone.status === 'ok' && lone.embedding.length).toBe(engine.info.embeddingSize);

		expect((await embedOneFace(engine, await decode('noface/white.png'))).status).toBe('no_face');
		expect((await embedOneFace(engine, await decode('multi/bbt1.jpg'))).status).toBe('ambiguous');

		const blurred = await sharp(facePath(photosOf('Barack_Obama')[0]))
			.blur(12)
			.jpeg()
			.toBuffer();
		const poor = await embedOneFace(engine, await decodeImage(new Uint8Array(blurred)), {
			quality: DEFAULT_QUALITY
		});
		// Without the gates (a login probe) the same photo is embedded.
		const probe = await embedOneFace(engine, await decodeImage(new Uint8Array(blurred)));
		expect(poor.status === 'low_quality' && poor.quality.issues).toContain('TOO_BLURRY');
		expect(probe.status).toBe('ok');
	});
});
