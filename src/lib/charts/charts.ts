import type { Confusion } from '../core/metrics';
import { axes, COLORS, escapeXml, fmt, frame, legend, polyline, svgDocument, text, ticks } from './svg';

/**
 * The four evaluation charts (ROC, precision-recall, confusion matrix, score histogram) as SVG strings:
 * pure string building, no DOM and no node:*, so the same charts are files of the evaluation report
 * (`npm run evaluate`) and inline SVG on the browser's training page.
 */

/** Every word a chart shows; the report uses English, the browser passes the page's language. */
export interface ChartText {
	roc: string;
	pr: string;
	confusion: string;
	histogram: string;
	fpr: string;
	tpr: string;
	recall: string;
	precision: string;
	score: string;
	count: string;
	model: string;
	chance: string;
	threshold: string;
	me: string;
	notMe: string;
	predicted: string;
	actual: string;
	/** After a percentage: "90.0 % of row". */
	ofRow: string;
	/** Under the confusion matrix's title. */
	confusionAxes: string;
}

export const CHART_TEXT_EN: ChartText = {
	roc: 'ROC curve',
	pr: 'Precision-recall curve',
	confusion: 'Confusion matrix',
	histogram: 'Score distribution',
	fpr: 'False positive rate',
	tpr: 'True positive rate',
	recall: 'Recall',
	precision: 'Precision',
	score: 'Score (probability of "me")',
	count: 'Samples',
	model: 'model',
	chance: 'chance',
	threshold: 'threshold',
	me: 'me',
	notMe: 'not me',
	predicted: 'Predicted',
	actual: 'True',
	ofRow: 'of row',
	confusionAxes: 'rows: true class, columns: predicted'
};

const words = (text: Partial<ChartText> | undefined): ChartText => ({ ...CHART_TEXT_EN, ...text });

const WIDTH = 520;
const HEIGHT = 440;
const PLOT = { left: 64, top: 44, width: 420, height: 330 };

export interface OperatingPoint {
	x: number;
	y: number;
	threshold: number;
}

/** A curve on the unit square with its summary in the title, a dashed chance line and the threshold's point. */
interface CurveChart {
	title: string;
	/** "AUC" or "AP", with its value. */
	summary: [name: string, value: number];
	xLabel: string;
	yLabel: string;
	xs: ArrayLike<number>;
	ys: ArrayLike<number>;
	/** Heights of the chance line at x = 0 and x = 1, and its legend entry. */
	chance: [y0: number, y1: number, label: string];
	point?: OperatingPoint;
	/** The point's tooltip names its coordinates: "FPR", "TPR" or "recall", "precision". */
	pointNames: [x: string, y: string];
	legendAt: 'bottom-left' | 'bottom-right';
	w: ChartText;
}

function curveChart(c: CurveChart): string {
	const f = frame(PLOT.left, PLOT.top, PLOT.width, PLOT.height);
	const [name, value] = c.summary;
	// The visible heading is also the accessible name: a screen reader hears the AUC or AP too.
	const heading = `${c.title} (${name} = ${value.toFixed(4)})`;
	const body = [
		text(WIDTH / 2, 26, heading, {
			size: 15,
			anchor: 'middle',
			weight: '600'
		}),
		...axes(f, { xTicks: ticks(0, 1, 5), yTicks: ticks(0, 1, 5), xLabel: c.xLabel, yLabel: c.yLabel }),
		`<line x1="${fmt(f.x(0))}" y1="${fmt(f.y(c.chance[0]))}" x2="${fmt(f.x(1))}" y2="${fmt(f.y(c.chance[1]))}" stroke="${COLORS.chance}" stroke-dasharray="5 4"/>`,
		polyline(f, c.xs, c.ys, COLORS.curve)
	];
	const entries: { label: string; color: string; dashed?: boolean }[] = [
		{ label: `${c.w.model} (${name} ${value.toFixed(3)})`, color: COLORS.curve },
		{ label: c.chance[2], color: COLORS.chance, dashed: true }
	];
	if (c.point) {
		const p = c.point;
		const [xName, yName] = c.pointNames;
		const label = `${c.w.threshold} ${p.threshold.toFixed(3)}: ${xName} ${p.x.toFixed(3)}, ${yName} ${p.y.toFixed(3)}`;
		body.push(
			`<circle cx="${fmt(f.x(p.x))}" cy="${fmt(f.y(p.y))}" r="5" fill="${COLORS.threshold}" stroke="#ffffff" stroke-width="1.5"><title>${escapeXml(label)}</title></circle>`
		);
		entries.push({ label: `${c.w.threshold} ${p.threshold.toFixed(3)}`, color: COLORS.threshold });
	}
	body.push(...legend(f, entries, c.legendAt));
	return svgDocument(WIDTH, HEIGHT, heading, body);
}

export interface RocChartInput {
	fpr: ArrayLike<number>;
	tpr: ArrayLike<number>;
	auc: number;
	/** Where the model's threshold sits on the curve. */
	operatingPoint?: OperatingPoint;
	title?: string;
}

export function rocChartSvg(input: RocChartInput, text_: Partial<ChartText> = {}): string {
	const w = words(text_);
	return curveChart({
		title: input.title ?? w.roc,
		summary: ['AUC', input.auc],
		xLabel: w.fpr,
		yLabel: w.tpr,
		xs: input.fpr,
		ys: input.tpr,
		chance: [0, 1, w.chance],
		point: input.operatingPoint,
		pointNames: ['FPR', 'TPR'],
		legendAt: 'bottom-right',
		w
	});
}

export interface PrChartInput {
	recall: ArrayLike<number>;
	precision: ArrayLike<number>;
	averagePrecision: number;
	/** Share of positives: the precision of a random guess, drawn as the baseline. */
	positiveRate: number;
	operatingPoint?: OperatingPoint;
	title?: string;
}

export function prChartSvg(input: PrChartInput, text_: Partial<ChartText> = {}): string {
	const w = words(text_);
	return curveChart({
		title: input.title ?? w.pr,
		summary: ['AP', input.averagePrecision],
		xLabel: w.recall,
		yLabel: w.precision,
		xs: input.recall,
		ys: input.precision,
		chance: [input.positiveRate, input.positiveRate, `${w.chance} (${input.positiveRate.toFixed(3)})`],
		point: input.operatingPoint,
		pointNames: [w.recall.toLowerCase(), w.precision.toLowerCase()],
		legendAt: 'bottom-left',
		w
	});
}

/** Rows are the true class, columns the prediction, "me" first, as in sklearn's plot with labels [1, 0]. */
export function confusionMatrixSvg(
	counts: Confusion,
	threshold: number,
	title?: string,
	text_: Partial<ChartText> = {}
): string {
	const w = words(text_);
	title ??= w.confusion;
	const width = 460;
	const height = 400;
	const cell = 130;
	const left = 150;
	const top = 90;
	const rows = [
		{ name: w.me, cells: [counts.tp, counts.fn] },
		{ name: w.notMe, cells: [counts.fp, counts.tn] }
	];
	const max = Math.max(1, counts.tp, counts.fp, counts.tn, counts.fn);
	const body = [
		text(width / 2, 26, title, { size: 15, anchor: 'middle', weight: '600' }),
		text(width / 2, 46, `${w.threshold} ${threshold.toFixed(4)}; ${w.confusionAxes}`, {
			size: 11,
			anchor: 'middle'
		}),
		text(left + cell, top - 26, w.predicted, { size: 12, anchor: 'middle', weight: '600' }),
		text(left - 92, top + cell, w.actual, { size: 12, anchor: 'middle', weight: '600', rotate: -90 })
	];
	[w.me, w.notMe].forEach((name, column) => {
		body.push(text(left + cell * column + cell / 2, top - 8, name, { size: 12, anchor: 'middle' }));
	});
	rows.forEach((row, r) => {
		const rowTotal = row.cells[0] + row.cells[1];
		body.push(text(left - 10, top + cell * r + cell / 2 + 4, row.name, { size: 12, anchor: 'end' }));
		row.cells.forEach((count, c) => {
			const x = left + cell * c;
			const y = top + cell * r;
			const strength = count / max;
			const correct = r === c;
			// Correct cells in blue, errors in red; darker means more samples.
			const hue = correct ? '31, 119, 180' : '214, 39, 40';
			const textFill = strength > 0.55 ? '#ffffff' : COLORS.text;
			const share = rowTotal ? `${((count / rowTotal) * 100).toFixed(1)} % ${w.ofRow}` : '–';
			body.push(
				`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgba(${hue}, ${fmt(0.12 + 0.78 * strength, 2)})" stroke="#ffffff" stroke-width="2"/>`,
				text(x + cell / 2, y + cell / 2, String(count), {
					size: 26,
					anchor: 'middle',
					weight: '600',
					fill: textFill
				}),
				text(x + cell / 2, y + cell / 2 + 22, share, { size: 11, anchor: 'middle', fill: textFill }),
				text(x + cell / 2, y + 16, ['TP', 'FN', 'FP', 'TN'][r * 2 + c], {
					size: 10,
					anchor: 'middle',
					fill: textFill
				})
			);
		});
	});
	return svgDocument(width, height, title, body);
}

export interface HistogramInput {
	scores: ArrayLike<number>;
	labels: ArrayLike<number>;
	threshold: number;
	bins?: number;
	title?: string;
}

/** Score distributions of both classes on [0, 1]: how far apart they are says more than one number. */
export function scoreHistogramSvg(input: HistogramInput, text_: Partial<ChartText> = {}): string {
	const w = words(text_);
	const bins = input.bins ?? 20;
	const counts = { me: new Array<number>(bins).fill(0), notMe: new Array<number>(bins).fill(0) };
	for (let i = 0; i < input.scores.length; i++) {
		const bin = Math.min(bins - 1, Math.max(0, Math.floor(input.scores[i] * bins)));
		(input.labels[i] === 1 ? counts.me : counts.notMe)[bin]++;
	}
	const top = Math.max(1, ...counts.me, ...counts.notMe);
	const yMax = niceCeiling(top);
	const f = frame(PLOT.left, PLOT.top, PLOT.width, PLOT.height, [0, 1], [0, yMax]);
	const title = input.title ?? w.histogram;
	const body = [
		text(WIDTH / 2, 26, title, { size: 15, anchor: 'middle', weight: '600' }),
		...axes(f, {
			xTicks: ticks(0, 1, 5),
			yTicks: ticks(0, yMax, Math.min(5, yMax)),
			xLabel: w.score,
			yLabel: w.count,
			yDigits: 0
		})
	];
	const binWidth = f.width / bins;
	const barWidth = binWidth / 2 - 1;
	for (let b = 0; b < bins; b++) {
		const pairs: [number, string, number][] = [
			[counts.notMe[b], COLORS.notMe, 0],
			[counts.me[b], COLORS.me, 1]
		];
		for (const [count, color, slot] of pairs) {
			if (count === 0) continue;
			const x = f.left + b * binWidth + slot * (barWidth + 1) + 0.5;
			const y = f.y(count);
			const range = `${(b / bins).toFixed(2)}–${((b + 1) / bins).toFixed(2)}`;
			body.push(
				`<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(barWidth)}" height="${fmt(f.top + f.height - y)}" fill="${color}"><title>${escapeXml(slot ? w.me : w.notMe)} ${range}: ${count}</title></rect>`
			);
		}
	}
	const tx = fmt(f.x(input.threshold));
	body.push(
		`<line x1="${tx}" y1="${fmt(f.top)}" x2="${tx}" y2="${fmt(f.top + f.height)}" stroke="${COLORS.threshold}" stroke-width="2" stroke-dasharray="6 4"/>`,
		...legend(
			f,
			[
				{ label: w.me, color: COLORS.me },
				{ label: w.notMe, color: COLORS.notMe },
				{ label: `${w.threshold} ${input.threshold.toFixed(3)}`, color: COLORS.threshold, dashed: true }
			],
			'top-left'
		)
	);
	return svgDocument(WIDTH, HEIGHT, title, body);
}

/** Integer axis maximum with at most 5 whole-number ticks. */
function niceCeiling(value: number): number {
	if (value <= 5) return value;
	const step = Math.ceil(value / 5);
	return step * 5;
}
