// Issue 7, "multi-scale chips" (tried, not adopted): flip-averaged dlib descriptors of the chip at zoom 0.9,
// 1.0 and 1.1, averaged, against the shipped single-scale descriptor, on a seeded subset of the calibration
// identities (IDS, default 160), judged on the held-out half like `npm run calibrate`.
// Run: npx tsx scripts/experiments/multiscale-chips.ts   (about 5 minutes here)
import { createRequire } from 'node:module';
import path from 'node:path';
import { alignFace, mirrorChip, mirrorTemplate, scaleTemplate } from '../../src/lib/core/align';
import { createDlibResnet } from '../../src/lib/core/embedders/dlib-resnet';
import { DLIB_CHIP } from '../../src/lib/core/embedders/templates';
import { l2normalize } from '../../src/lib/core/embedders/types';
import { pairReport, splitIdentities } from '../../src/lib/core/calibration';
import { detectWithRetry, pickMainFace } from '../../src/lib/core/pipeline';
import { listCalibrationSet } from '../../src/cli/lib/calibration-set';
import { decodeImageFile } from '../../src/lib/server/decode';
import { engineFor, serverTf } from '../../src/lib/server/node-engine';
import { readWeightsFile } from '../../src/lib/server/weights';
const require = createRequire(import.meta.url);
const faceApiDir = path.resolve(path.dirname(require.resolve('@vladmandic/face-api')), '..');
const engine = await engineFor('dlib-resnet128');
const net = createDlibResnet(
	serverTf(),
	await readWeightsFile(path.join(faceApiDir, 'model', 'face_recognition_model-weights_manifest.json'))
);
const dir = process.env.CALIBRATION_DIR ?? '../shared/data/calibration';
const list = await listCalibrationSet(dir, { identities: Number(process.env.IDS ?? 160), seed: 42 });
const zooms = [0.9, 1.0, 1.1];
const vecs: Record<string, (Float32Array | null)[]> = {};
let embedMs = 0;
let faces = 0;
for (const s of list) {
	const img = await decodeImageFile(path.join(dir, s.file));
	const found = (await detectWithRetry(engine, img)).faces;
	if (!found.length) {
		vecs[s.file] = zooms.map(() => null);
		continue;
	}
	const face = pickMainFace(found, img);
	const t0 = performance.now();
	const out: Float32Array[] = [];
	for (const z of zooms) {
		const tpl = scaleTemplate(DLIB_CHIP, 150, z);
		const chip = alignFace(img, face.landmarks, tpl);
		const mir = mirrorChip(alignFace(img, face.landmarks, mirrorTemplate(tpl)));
		const [a, b] = await net.describeChips([chip, mir]);
		const u = l2normalize(a),
			v = l2normalize(b);
		out.push(l2normalize(u.map((x, i) => x + v[i])));
	}
	embedMs += performance.now() - t0;
	faces++;
	vecs[s.file] = out;
}
const combos: [string, number[]][] = [
	['zoom 1.0 (shipped)', [1]],
	['zoom 0.9+1.0+1.1', [0, 1, 2]],
	['zoom 1.0+1.1', [1, 2]],
	['zoom 0.9+1.0', [0, 1]]
];
const { held } = splitIdentities(
	list.map((s) => ({ ...s, vector: null })),
	42
);
for (const [name, idx] of combos) {
	const samples = held.map((s) => {
		const v = vecs[s.file];
		if (!v[1]) return { ...s, vector: null };
		const sum = new Float32Array(128);
		for (const i of idx) v[i]!.forEach((x, k) => (sum[k] += x));
		return { ...s, vector: l2normalize(sum) };
	});
	const r = pairReport(samples);
	console.log(
		`| ${name} | ${r.map((p) => `${(100 * p.bestAccuracy).toFixed(2)} % / ${(100 * p.points[1].tar).toFixed(1)} %`).join(' | ')} |`
	);
}
console.log(`photos ${list.length}, ${(embedMs / faces).toFixed(1)} ms per face for 3 zooms x 2 chips`);
process.exit(0);
