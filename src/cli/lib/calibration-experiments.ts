import { dot } from '../../lib/core/gallery/vector';
import {
	enrolmentStudy,
	fitWccn,
	pairReport,
	splitIdentities,
	type EmbeddedSample,
	type EnrolmentStudyRow,
	type PairGroupReport
} from '../../lib/core/calibration';

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)} %`;

export interface Experiments {
	/** Held-out pairs: the embedder as is, then with alternatives learned on the fit half. */
	variants: { name: string; pairs: PairGroupReport[] }[];
	enrolment: EnrolmentStudyRow[];
}

/**
 * Issue 7's "go further, measured": alternatives to the plain embedding, each learned on the fit half of
 * the identities and judged on the other half, plus template mode versus logistic regression.
 */
export async function runExperiments(
	samples: readonly EmbeddedSample[],
	options: {
		seed: number;
		templateThreshold: number;
		embedder: { id: string; version: string; size: number };
		/** Another embedder's vectors for the same files, for z-normalised score fusion. */
		second?: { name: string; vectors: Map<string, Float32Array | null> };
	}
): Promise<Experiments> {
	const { fit, held } = splitIdentities(samples, options.seed);
	const variants: Experiments['variants'] = [{ name: 'as is', pairs: pairReport(held) }];
	for (const shrink of [0.05, 0.2]) {
		const project = fitWccn(fit, shrink);
		const projected = held.map((s) => ({ ...s, vector: s.vector ? project(s.vector) : null }));
		variants.push({ name: `WCCN (shrink ${shrink})`, pairs: pairReport(projected) });
	}
	if (options.second) {
		const other = options.second.vectors;
		const both = held.filter((s) => other.has(s.file));
		variants.push({ name: 'as is, on the files both embedders have', pairs: pairReport(both) });
		variants.push({
			name: `${options.second.name} alone`,
			pairs: pairReport(both.map((s) => ({ ...s, vector: other.get(s.file) ?? null })))
		});
		variants.push({ name: `fusion with ${options.second.name}`, pairs: pairReport(fuse(fit, both, other)) });
	}
	const enrolment = await enrolmentStudy(fit, held, {
		photos: [3, 5, 9],
		negatives: 20,
		users: 60,
		templateThreshold: options.templateThreshold,
		embedder: options.embedder,
		seed: options.seed
	});
	return { variants, enrolment };
}

/**
 * z-normalised score fusion as a vector: each embedder's cosine is centred and scaled by its impostor
 * statistics (from the fit half), which a concatenation of scaled unit vectors reproduces exactly up to
 * a constant: fused cosine = (c1 - m1)/s1 + (c2 - m2)/s2 rescaled.
 */
function fuse(
	fit: readonly EmbeddedSample[],
	held: readonly EmbeddedSample[],
	other: Map<string, Float32Array | null>
): EmbeddedSample[] {
	const statsOf = (vec: (s: EmbeddedSample) => Float32Array | null | undefined) => {
		const faces = fit.map(vec).filter((v): v is Float32Array => !!v);
		const scores: number[] = [];
		for (let i = 0; i < faces.length && scores.length < 200_000; i += 7)
			for (let j = i + 3; j < faces.length && scores.length < 200_000; j += 11)
				scores.push(dot(faces[i], faces[j]));
		const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
		const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
		return { mean, sd };
	};
	const a = statsOf((s) => s.vector);
	const b = statsOf((s) => other.get(s.file));
	// Score fusion needs no centring for ranking: (c1/s1 + c2/s2) orders pairs like the z-sum does.
	return held.map((s) => {
		const v1 = s.vector;
		const v2 = other.get(s.file);
		if (!v1 || !v2) return { ...s, vector: null };
		const out = new Float32Array(v1.length + v2.length);
		const w1 = 1 / Math.sqrt(a.sd);
		const w2 = 1 / Math.sqrt(b.sd);
		v1.forEach((x, i) => (out[i] = x * w1));
		v2.forEach((x, i) => (out[v1.length + i] = x * w2));
		return { ...s, vector: out };
	});
}

export function formatExperiments(e: Experiments): string[] {
	const out = [
		'',
		'### Alternatives, held-out identities (best balanced accuracy / TAR at FAR 1e-3 per pair group)',
		'| variant | cfp frontal-frontal | cfp frontal-profile | celeba |',
		'| --- | --- | --- | --- |'
	];
	for (const v of e.variants) {
		out.push(
			`| ${v.name} | ${v.pairs.map((p) => `${pct(p.bestAccuracy, 2)} / ${pct(p.points[1].tar)}`).join(' | ')} |`
		);
	}
	out.push(
		'',
		'### Enrolment: template ("me" only) vs logistic regression with 20 "not me" photos, held-out users',
		'| photos | users | genuine attempts | template FRR at shipped FAR 1e-3 (95 % CI) | template held-out FAR | template FRR, oracle FAR 1e-3 | logistic FRR, oracle FAR 1e-3 | logistic FRR / FAR at its own threshold |',
		'| --- | --- | --- | --- | --- | --- | --- | --- |'
	);
	for (const r of e.enrolment) {
		out.push(
			`| ${r.photos} | ${r.users} | ${r.genuine} | ${pct(r.templateFrr)} (${pct(r.templateFrrCi[0])}-${pct(r.templateFrrCi[1])}) | ` +
				`${r.templateFar.toExponential(1)} | ${pct(r.templateOracleFrr)} | ${pct(r.logisticOracleFrr)} | ${pct(r.logisticFrr)} / ${pct(r.logisticFar, 2)} |`
		);
	}
	return out;
}
