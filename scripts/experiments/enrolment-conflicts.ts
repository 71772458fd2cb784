/**
 * How often the face-login enrolment conflict check (core `shadowedPerson` at `enrolmentConflictBar`) would refuse an honest user, and how often it
 * catches a template made of someone else's photos, measured on the calibration set's cached embeddings (`npm run
 * calibrate` or `npm test` fills data/cache/). Identities are split in two with a seed: the rule is chosen on the
 * first half, and the figures to report come from the second.
 *
 *   npx tsx scripts/experiments/enrolment-conflicts.ts [--cache=FILE] [--seed=42]
 *
 * Per identity with at least 6 usable photos (CFP profiles left out: enrolment refuses strong turns), in a seeded
 * order: photos 1-3 are the enrolled template, photos 4-6 a new enrolment. Honest: identity i's new enrolment against
 * identity j's template, every ordered pair. Attack: identity i's new enrolment against i's own template (the photos
 * of someone already enrolled, enrolled again in another account), and a mixed one: one photo of i among two of j.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { calibrationFor } from '../../src/lib/core/calibration';
import { embedderMeta } from '../../src/lib/core/embedders';
import {
	buildTemplate,
	dot,
	enrolmentConflictBar,
	loginPolicyFor,
	meanDirection,
	normalize,
	shadowedPerson
} from '../../src/lib/core/gallery';
import { createRng, shuffleInPlace } from '../../src/lib/core/random';
import { cacheFile, decodeVector, type EmbeddingCache } from '../../src/cli/lib/embedding-cache';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const EMBEDDER = 'dlib-resnet128';
const file =
	args.cache ??
	cacheFile(
		path.resolve('data/cache'),
		{ embedder: EMBEDDER, embedderVersion: embedderMeta(EMBEDDER).version },
		0
	);
const cache = JSON.parse(readFileSync(file, 'utf8')) as EmbeddingCache;
const calibration = calibrationFor(EMBEDDER, cache.embedderVersion);
if (!calibration) throw new Error(`no calibration for ${cache.embedderVersion}`);
const { threshold, margin } = calibration.login;
const policy = loginPolicyFor(EMBEDDER);
const bar = enrolmentConflictBar(policy);

const byIdentity = new Map<string, Float32Array[]>();
for (const [photo, entry] of Object.entries(cache.entries).sort(([a], [b]) => a.localeCompare(b))) {
	const vector = decodeVector(entry);
	const [identity, name] = photo.split(/[\\/]/).slice(-2);
	if (!vector || name.startsWith('profile')) continue;
	byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), normalize(vector)]);
}
const random = createRng(Number(args.seed ?? 42));
const people = shuffleInPlace(
	[...byIdentity.entries()].filter(([, v]) => v.length >= 6),
	random
).map(([id, photos]) => {
	const order = shuffleInPlace([...photos], random);
	return { id, template: buildTemplate(id, id, order.slice(0, 3)).centroid, fresh: order.slice(3, 6) };
});
const halves = [people.slice(0, people.length >> 1), people.slice(people.length >> 1)];

type Rule = { name: string; fires: (faces: Float32Array[], template: Float32Array) => boolean };
const anyFace = (bar: number) => (faces: Float32Array[], t: Float32Array) =>
	faces.some((f) => dot(f, t) >= bar);
const centroid = (bar: number) => (faces: Float32Array[], t: Float32Array) =>
	dot(meanDirection(faces), t) >= bar;
const RULES: Rule[] = [
	{
		name: `any face >= threshold - margin (${(threshold - margin).toFixed(3)})`,
		fires: anyFace(threshold - margin)
	},
	{ name: `any face >= threshold (${threshold})`, fires: anyFace(threshold) },
	{ name: `centroid >= threshold - margin`, fires: centroid(threshold - margin) },
	{ name: `centroid >= threshold`, fires: centroid(threshold) },
	{
		// The rule the server runs: the core function itself, against a gallery of one other person.
		name: 'centroid >= threshold, or any face >= threshold (shadowedPerson, as the server checks)',
		fires: (faces, t) =>
			shadowedPerson(faces, [{ id: 'other', name: '', centroid: t, members: [t] }], policy, 'new', bar) !==
			null
	}
];

const pct = (x: number) => `${(100 * x).toFixed(x < 0.01 ? 3 : 1)} %`;
for (const [h, half] of halves.entries()) {
	console.log(
		`\n## ${h === 0 ? 'first half (choose on it)' : 'second half (report it)'}: ${half.length} identities`
	);
	console.log(
		'| rule | honest pairs refused | refused sign-ups at 20 / 100 / 1,000 users | same person caught | one photo of them among two others caught |'
	);
	console.log('| --- | --- | --- | --- | --- |');
	for (const rule of RULES) {
		let pairs = 0;
		let refused = 0;
		let caught = 0;
		let mixedCaught = 0;
		for (const [i, a] of half.entries()) {
			if (rule.fires(a.fresh, a.template)) caught++;
			const other = half[(i + 1) % half.length];
			if (rule.fires([a.fresh[0], ...other.fresh.slice(0, 2)], a.template)) mixedCaught++;
			for (const b of half) {
				if (b === a) continue;
				pairs++;
				if (rule.fires(a.fresh, b.template)) refused++;
			}
		}
		const p = refused / pairs;
		const atUsers = [20, 100, 1000].map((n) => pct(1 - (1 - p) ** n)).join(' / ');
		console.log(
			`| ${rule.name} | ${refused} of ${pairs} (${pct(p)}) | ${atUsers} | ${pct(caught / half.length)} | ${pct(mixedCaught / half.length)} |`
		);
	}
}
console.log(`\n(login threshold ${threshold}, margin ${margin}; ${file})`);
