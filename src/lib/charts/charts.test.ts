import { describe, expect, it } from 'vitest';
import { confusionMatrixSvg, prChartSvg, rocChartSvg, scoreHistogramSvg } from './charts';
import { trainingCharts } from './from-scores';
import { escapeXml } from './svg';

/** Well-formedness without an XML parser: every opened element is closed, in order. */
function assertBalanced(svg: string): void {
	const stack: string[] = [];
	for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
		const [, closing, name, selfClosing] = match;
		if (selfClosing) continue;
		if (closing) expect(stack.pop()).toBe(name);
		else stack.push(name);
	}
	expect(stack).toEqual([]);
}

describe('the evaluation charts (report and browser)', () => {
	it('draws a ROC curve through its points with the AUC in the title', () => {
		const svg = rocChartSvg({
			fpr: [0, 0, 0.5, 1],
			tpr: [0, 0.5, 1, 1],
			auc: 0.875,
			operatingPoint: { x: 0.5, y: 1, threshold: 0.42 }
		});
		assertBalanced(svg);
		expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
		expect(svg).toContain('aria-label="ROC curve (AUC = 0.8750)"');
		expect(svg).toContain('threshold 0.420');
		// Plot area is 420 x 330 at (64, 44): (0.5, 1) maps to (274, 44).
		expect(svg).toMatch(/<polyline points="64,374 64,209 274,44 484,44"/);
		expect(svg).toMatch(/<circle cx="274" cy="44"/);
	});

	it('draws the PR baseline at the positive rate', () => {
		const svg = prChartSvg({
			recall: [0, 1],
			precision: [1, 0.5],
			averagePrecision: 0.75,
			positiveRate: 0.5
		});
		assertBalanced(svg);
		expect(svg).toContain('AP = 0.7500');
		expect(svg).toContain('y1="209" x2="484" y2="209"');
	});

	it('puts each confusion count in its cell with its share of the row', () => {
		const svg = confusionMatrixSvg({ tp: 9, fn: 1, fp: 2, tn: 38 }, 0.5);
		assertBalanced(svg);
		for (const text of ['>9<', '>1<', '>2<', '>38<', '90.0 % of row', '5.0 % of row', '95.0 % of row']) {
			expect(svg).toContain(text);
		}
	});

	it('bins scores per class and marks the threshold', () => {
		const svg = scoreHistogramSvg({
			scores: [0.01, 0.02, 0.97, 1],
			labels: [0, 0, 1, 1],
			threshold: 0.5,
			bins: 10
		});
		assertBalanced(svg);
		expect(svg).toContain('<title>not me 0.00–0.10: 2</title>');
		expect(svg).toContain('<title>me 0.90–1.00: 2</title>');
		expect(svg).toContain('threshold 0.500');
	});

	it('escapes text that would break the markup', () => {
		expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
		const svg = rocChartSvg({ fpr: [0, 1], tpr: [0, 1], auc: 0.5, title: 'me & <you>' });
		assertBalanced(svg);
		expect(svg).toContain('me &amp; &lt;you&gt;');
	});

	it('speaks the page’s language and escapes it', () => {
		const svg = scoreHistogramSvg(
			{ scores: [0.1, 0.9], labels: [0, 1], threshold: 0.5, bins: 2 },
			{ histogram: 'Puntuaciones', me: 'Yo', notMe: 'No <soy> yo', threshold: 'Umbral', count: 'Muestras' }
		);
		assertBalanced(svg);
		expect(svg).toContain('aria-label="Puntuaciones"');
		expect(svg).toContain('<title>No &lt;soy&gt; yo 0.00–0.50: 1</title>');
		expect(svg).toContain('Umbral 0.500');
		expect(svg).toContain('>Muestras<');
		expect(svg).not.toContain('not me');
	});

	it('draws the training page’s curves from scores, with the threshold’s operating point', () => {
		const scores = [0.1, 0.4, 0.35, 0.8, 0.7, 0.9];
		const labels = [0, 0, 1, 1, 0, 1];
		const charts = trainingCharts(scores, labels, 0.6);
		for (const svg of Object.values(charts)) {
			assertBalanced(svg);
			expect(svg).toContain('role="img"');
		}
		// 7 of the 9 (me, not me) pairs are ordered right.
		expect(charts.roc).toContain('AUC = 0.7778');
		// At 0.6: two of three "me" accepted (0.8, 0.9) and one of three "not me" (0.7).
		expect(charts.roc).toContain('threshold 0.600: FPR 0.333, TPR 0.667');
		expect(charts.pr).toContain('threshold 0.600: recall 0.667, precision 0.667');
		expect(charts.histogram).toContain('threshold 0.600');
	});
});
