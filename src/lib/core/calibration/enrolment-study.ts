import { scoreEmbedding } from '../classifier/score';
import { trainVerifier } from '../classifier/train';
import { createRng, shuffleInPlace } from '../random';
import { dot, meanDirection } from '../gallery/vector';
import { countAtOrAbove, sortedScores, thresholdAtFar, wilson } from './stats';
import type { EmbeddedSample } from './types';

/**
 * Issue 7, point 4: how many genuine attempts does a verifier trained from k "me" photos refuse at a
 * false-accept rate of 1e-3? Template mode (no negatives, calibrated threshold) versus the seed's
 * logistic regression given `negatives` "not me" photos of other people. Users come from the held-out
 * identities; their negatives and the template threshold come from the fit half.
 */
export interface EnrolmentStudyRow {
	photos: number;
	users: number;
	genuine: number;
	/** Template mode at the shipped threshold for FAR 1e-3. */
	templateFrr: number;
	templateFrrCi: [number, number];
	templateFar: number;
	/** Both modes with a per-user oracle threshold at FAR 1e-3 on the held-out impostors (separability). */
	templateOracleFrr: number;
	logisticOracleFrr: number;
	/** Logistic regression at the threshold its own training chose (best F1 on its validation split). */
	logisticFrr: number;
	logisticFar: number;
}

export async function enrolmentStudy(
	fit: readonly EmbeddedSample[],
	held: readonly EmbeddedSample[],
	options: {
		photos: readonly number[];
		negatives: number;
		users: number;
		templateThreshold: number;
		embedder: { id: string; version: string; size: number };
		seed: number;
	}
): Promise<EnrolmentStudyRow[]> {
	const rng = createRng(options.seed);
	const fitFaces = fit.filter((s) => s.vector);
	const byId = new Map<string, EmbeddedSample[]>();
	for (const s of held) byId.set(s.identity, [...(byId.get(s.identity) ?? []), s]);
	const rows: EnrolmentStudyRow[] = [];
	for (const k of options.photos) {
		const users = shuffleInPlace(
			[...byId.keys()].filter(
				(id) => (byId.get(id) ?? []).filter((p) => p.vector && p.pose !== 'profile').length > k
			),
			rng
		).slice(0, options.users);
		const acc = { genuine: 0, tRej: 0, tFa: 0, imp: 0, toRej: 0, loRej: 0, lRej: 0, lFa: 0 };
		for (const id of users) {
			const photos = byId.get(id) ?? [];
			const source = photos[0].source;
			const enrol = shuffleInPlace(
				photos.filter((p) => p.vector && p.pose !== 'profile'),
				rng
			).slice(0, k);
			// A user verifying themselves faces the camera: profile views are reported elsewhere.
			const probes = photos.filter((p) => !enrol.includes(p) && p.pose !== 'profile');
			const impostors = held.filter((s) => s.source === source && s.identity !== id && s.pose !== 'profile');
			const negatives = shuffleInPlace(
				fitFaces.filter((s) => s.source === source),
				rng
			).slice(0, options.negatives);
			const template = meanDirection(enrol.map((p) => p.vector as Float32Array));
			const cos = (s: EmbeddedSample) => (s.vector ? dot(template, s.vector) : -2);
			const { model } = await trainVerifier(
				[...enrol, ...negatives].map((p) => p.vector as Float32Array),
				[...enrol.map(() => 1), ...negatives.map(() => 0)],
				options.embedder,
				{ seed: options.seed }
			);
			const prob = (s: EmbeddedSample) => (s.vector ? scoreEmbedding(model, s.vector) : -1);
			const gT = probes.map(cos);
			const iT = sortedScores(impostors.map(cos));
			const gL = probes.map(prob);
			const iL = sortedScores(impostors.map(prob));
			const oracleT = thresholdAtFar(iT, 1e-3);
			const oracleL = thresholdAtFar(iL, 1e-3);
			acc.genuine += probes.length;
			acc.imp += impostors.length;
			acc.tRej += gT.filter((s) => s < options.templateThreshold).length;
			acc.tFa += countAtOrAbove(iT, options.templateThreshold);
			acc.toRej += gT.filter((s) => s < oracleT).length;
			acc.loRej += gL.filter((s) => s < oracleL).length;
			acc.lRej += gL.filter((s) => s < model.threshold.value).length;
			acc.lFa += countAtOrAbove(iL, model.threshold.value);
		}
		rows.push({
			photos: k,
			users: users.length,
			genuine: acc.genuine,
			templateFrr: acc.tRej / acc.genuine,
			templateFrrCi: wilson(acc.tRej, acc.genuine),
			templateFar: acc.tFa / acc.imp,
			templateOracleFrr: acc.toRej / acc.genuine,
			logisticOracleFrr: acc.loRej / acc.genuine,
			logisticFrr: acc.lRej / acc.genuine,
			logisticFar: acc.lFa / acc.imp
		});
	}
	return rows;
}
