import {
	BarController,
	BarElement,
	Chart,
	Filler,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	ScatterController,
	Tooltip,
	type ChartConfiguration
} from 'chart.js';
import { prCurve, rocCurve } from '../core/metrics';

/** chart.js configurations for the training report: ROC, precision-recall, score histogram. */

Chart.register(
	BarController,
	BarElement,
	LineController,
	LineElement,
	PointElement,
	ScatterController,
	LinearScale,
	Filler,
	Legend,
	Tooltip
);

export { Chart };

export interface ChartLabels {
	roc: string;
	pr: string;
	fpr: string;
	tpr: string;
	recall: string;
	precision: string;
	score: string;
	count: string;
	me: string;
	notMe: string;
	threshold: string;
	chance: string;
}

const ACCENT = '#1f6feb';
const ME = '#2da44e';
const NOT_ME = '#cf222e';
const MARK = '#9a6700';

const unitAxis = (title: string) => ({
	type: 'linear' as const,
	min: 0,
	max: 1,
	title: { display: true, text: title }
});
const base = { animation: false as const, responsive: true, maintainAspectRatio: true, aspectRatio: 1.3 };

/** The ROC curve with the operating point of `threshold` marked. */
export function rocChart(
	scores: number[],
	labels: number[],
	threshold: number,
	l: ChartLabels
): ChartConfiguration {
	const roc = rocCurve(scores, labels);
	const at = roc.filter((p) => p.threshold >= threshold).at(-1) ?? roc[0];
	return {
		type: 'scatter',
		data: {
			datasets: [
				{
					label: l.roc,
					data: roc.map((p) => ({ x: p.fpr, y: p.tpr })),
					showLine: true,
					borderColor: ACCENT,
					backgroundColor: ACCENT,
					pointRadius: 0,
					stepped: false
				},
				{
					label: l.chance,
					data: [
						{ x: 0, y: 0 },
						{ x: 1, y: 1 }
					],
					showLine: true,
					borderDash: [4, 4],
					borderColor: '#8c959f',
					pointRadius: 0
				},
				{ label: l.threshold, data: [{ x: at.fpr, y: at.tpr }], pointRadius: 6, backgroundColor: MARK }
			]
		},
		options: { ...base, scales: { x: unitAxis(l.fpr), y: unitAxis(l.tpr) } }
	};
}

export function prChart(
	scores: number[],
	labels: number[],
	threshold: number,
	l: ChartLabels
): ChartConfiguration {
	const pr = prCurve(scores, labels);
	const at = pr.filter((p) => p.threshold >= threshold).at(-1) ?? pr[0];
	return {
		type: 'scatter',
		data: {
			datasets: [
				{
					label: l.pr,
					data: pr.map((p) => ({ x: p.recall, y: p.precision })),
					showLine: true,
					borderColor: ACCENT,
					backgroundColor: ACCENT,
					pointRadius: 0
				},
				{
					label: l.threshold,
					data: [{ x: at.recall, y: at.precision }],
					pointRadius: 6,
					backgroundColor: MARK
				}
			]
		},
		options: { ...base, scales: { x: unitAxis(l.recall), y: unitAxis(l.precision) } }
	};
}

/** Counts of scores per bin of width 1/bins, for "me" and "not me", with the threshold as a vertical line. */
export function histogramChart(
	scores: number[],
	labels: number[],
	threshold: number,
	l: ChartLabels,
	bins = 20
): ChartConfiguration {
	const counts = [new Array<number>(bins).fill(0), new Array<number>(bins).fill(0)];
	scores.forEach((s, i) => counts[labels[i]][Math.min(bins - 1, Math.floor(s * bins))]++);
	const centre = (k: number) => (k + 0.5) / bins;
	const top = Math.max(1, ...counts[0], ...counts[1]);
	return {
		type: 'bar',
		data: {
			datasets: [
				{
					label: l.notMe,
					data: counts[0].map((y, k) => ({ x: centre(k), y })),
					backgroundColor: 'rgba(207, 34, 46, 0.55)',
					borderColor: NOT_ME,
					barPercentage: 1,
					categoryPercentage: 1,
					grouped: false
				},
				{
					label: l.me,
					data: counts[1].map((y, k) => ({ x: centre(k), y })),
					backgroundColor: 'rgba(45, 164, 78, 0.55)',
					borderColor: ME,
					barPercentage: 1,
					categoryPercentage: 1,
					grouped: false
				},
				{
					type: 'line',
					label: l.threshold,
					data: [
						{ x: threshold, y: 0 },
						{ x: threshold, y: top }
					],
					borderColor: MARK,
					borderWidth: 2,
					pointRadius: 0
				}
			]
		},
		options: {
			...base,
			scales: {
				x: { ...unitAxis(l.score), offset: false },
				y: {
					type: 'linear',
					beginAtZero: true,
					title: { display: true, text: l.count },
					ticks: { precision: 0 }
				}
			}
		}
	} as ChartConfiguration;
}
