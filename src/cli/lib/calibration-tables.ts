import type { CalibrationReport } from '../../lib/core/calibration';

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)} %`;
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1));
const ci = ([lo, hi]: [number, number]) => `${pct(lo)}-${pct(hi)}`;

function table(head: string[], rows: string[][]): string[] {
	return [
		`| ${head.join(' | ')} |`,
		`|${head.map(() => ' --- ').join('|')}|`,
		...rows.map((r) => `| ${r.join(' | ')} |`)
	];
}

/** The report as Markdown tables, in the order README and CALIBRATION.md show them. */
export function formatCalibration(
	r: CalibrationReport,
	meta: { embedder: string; embedderVersion: string; chipSize: number }
): string[] {
	const o = r.options;
	const out: string[] = [
		'',
		`## ${meta.embedder} ${meta.embedderVersion}${meta.chipSize ? `, photos downscaled to ${meta.chipSize} px chips` : ''}`,
		`identities: ${r.identities.fit} to fit thresholds, ${r.identities.held} held out (split per source, seed ${o.seed})`,
		'',
		'### Failure to acquire (no face found)',
		...table(
			['photos', 'count', 'no face', 'rate'],
			r.acquisition.map((a) => [a.group, String(a.photos), String(a.noFace), pct(a.noFace / a.photos, 2)])
		),
		'',
		'### 1:1 pairs, all identities (ROC description; threshold set on the same impostors)',
		...table(
			['pairs', 'genuine', 'impostor', 'best accuracy', 'TAR @ 1e-2', 'TAR @ 1e-3', 'TAR @ 1e-4'],
			r.pairs.map((p) => [
				p.group,
				String(p.genuine),
				String(p.impostors),
				pct(p.bestAccuracy, 2),
				...p.points.map((pt) => `${pct(pt.tar)} (${ci(pt.tarCi)})`)
			])
		),
		'',
		`### Template of ${o.templatePhotos} photos vs one photo: thresholds fitted on one half, judged on the other`,
		...table(
			[
				'target FAR',
				'threshold',
				'group',
				'TAR (95 % CI)',
				'held-out FAR',
				'false accepts / impostor comparisons',
				'FAR upper 95 %'
			],
			r.heldOut.flatMap((row) =>
				Object.entries(row.groups).map(([g, p]) => [
					sci(row.targetFar),
					row.threshold.toFixed(4),
					g,
					`${pct(p.tar)} (${ci(p.tarCi)})`,
					sci(p.far),
					`${p.falseAccepts} / ${p.impostors}`,
					sci(p.farUpper)
				])
			)
		),
		'',
		'### Threshold curve (fit half; the shipped value is the highest over probe groups)',
		...table(
			['FAR', 'threshold', 'cfp-frontal', 'cfp-profile', 'celeba-wild'],
			r.curve.map((c) => [
				sci(c.far),
				c.threshold.toFixed(4),
				...Object.values(c.perGroup).map((t) => t.toFixed(4))
			])
		),
		'',
		`### 1:N: ${o.galleryPhotos} photos per person, margin ${o.margin}, ${o.trials} random galleries per source; ` +
			`fitted at target / ${o.identificationSafety} (recognition) and target / ${o.loginSafety} (login)`
	];
	const ident = (
		name: string,
		target: string,
		fitted: number,
		h: CalibrationReport['identification']['heldOut']
	) => [
		name,
		target,
		fitted.toFixed(3),
		`${sci(h.fpir)} (${h.falsePositives} / ${h.strangers}; upper ${sci(h.fpirUpper)})`,
		`${pct(h.fnir)} (${ci(h.fnirCi)}); ${Object.entries(h.fnirByPose)
			.map(([pose, v]) => `${pose} ${pct(v.fnir)}`)
			.join(', ')}`,
		`${h.misidentified} / ${h.mated}`
	];
	out.push(
		...table(
			['use', 'target', 'threshold (fit half)', 'held-out FPIR', 'held-out FNIR', 'named as another member'],
			[
				ident(
					'recognition (/process_frame)',
					`FPIR ${sci(o.targetFpir)} at ${o.gallerySize} people`,
					r.identification.fitted,
					r.identification.heldOut
				),
				ident(
					'face login',
					`${sci(o.loginTargetFar)} per attempt at ${o.loginUsers} users`,
					r.login.fitted,
					r.login.heldOut
				)
			]
		)
	);
	out.push(
		'',
		'operating points (src/lib/core/calibration/operating-points.ts):',
		JSON.stringify(r.operatingPoints)
	);
	return out;
}
