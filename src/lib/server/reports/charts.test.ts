import { describe, expect, it } from 'vitest';
import { confusionMatrixSvg, prChartSvg, rocChartSvg, scoreHistogramSvg } from './charts';
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

describe('report charts', () => {
	it('draws a ROC curve through its points with the AUC in the title', () => {
		const svg = rocChartSvg({
			fpr: [0, 0, 0.5, 1],
			tpr: [0, 0.5, 1, 1],
			auc: 0.875,
			operatingPoint: { x: 0.5, y: 1, threshold: 0.42 }
		});
		assertBalanced(svg);
		expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
		expect(svg).toContain('AUC = 0.8750');
		expect(svg).toContain('threshold 0.420');
		// Plot area is 420 x 330 at (64, 44): (0.5, 1) maps to (274, 44).
		expect(svg).toMatch(/<polyline points="64,374 64,209 274,44 484,44"/);
		expect(svg).toMatch(/<circle cx="274" cy="44"/);
	});

	it('draws the PR baseline at the positive rate', () => {
		const svg = prChartSvg({ recall: [0, 1], precision: [1, 0.5], averagePrecision: 0.75, positiveRate: 0.5 });
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
		const svg = scoreHistogramSvg({ scores: [0.01, 0.02, 0.97, 1], labels: [0, 0, 1, 1], threshold: 0.5, bins: 10 });
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
});
