import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/eval-pairs';
import { collectingOutput } from '../src/cli/lib/output';
import {
	accuracyOnGivenFolds,
	lfwImagePath,
	NO_FACE_SCORE,
	parseLfwPairs,
	parsePairs,
	parsePairsCsv,
	scorePairs
} from '../src/cli/lib/pairs';
import { FACES_DIR, facePath } from './helpers/faces';

const LFW_TWO_FOLDS = [
	'2\t2',
	'Ann\t1\t2',
	'Bob\t1\t3',
	'Ann\t1\tBob\t2',
	'Cid\t4\tAnn\t3',
	'Cid 1 2',
	'Dee 2 3',
	'Dee 1 Cid 1',
	'Bob 2 Dee 3',
	''
].join('\n');

describe('pairs parsing', () => {
	it('reads LFW pairs.txt with folds: matched then mismatched lines per fold', () => {
		const pairs = parseLfwPairs(LFW_TWO_FOLDS);
		expect(pairs).toHaveLength(8);
		expect(pairs[0]).toEqual({ a: 'Ann/Ann_0001.jpg', b: 'Ann/Ann_0002.jpg', same: true, fold: 0 });
		expect(pairs[3]).toEqual({ a: 'Cid/Cid_0004.jpg', b: 'Ann/Ann_0003.jpg', same: false, fold: 0 });
		expect(pairs[4]).toMatchObject({ a: 'Cid/Cid_0001.jpg', same: true, fold: 1 });
		expect(pairs.map((p) => p.same)).toEqual([true, true, false, false, true, true, false, false]);
	});

	it('reads the one-number header of pairsDevTrain.txt as a single fold', () => {
		const pairs = parseLfwPairs('1\nAnn 1 2\nAnn 1 Bob 1\n');
		expect(pairs).toEqual([
			{ a: 'Ann/Ann_0001.jpg', b: 'Ann/Ann_0002.jpg', same: true, fold: 0 },
			{ a: 'Ann/Ann_0001.jpg', b: 'Bob/Bob_0001.jpg', same: false, fold: 0 }
		]);
	});

	it('rejects LFW files whose lines do not match the header', () => {
		expect(() => parseLfwPairs('1 2\nAnn 1 2\nAnn 1 Bob 1\n')).toThrow(/should have 5 lines/);
		expect(() => parseLfwPairs('1\nAnn 1 Bob 2\nAnn 1 Bob 1\n')).toThrow(/line 2: expected "name i j"/);
		expect(() => parseLfwPairs('1\nAnn 0 2\nAnn 1 Bob 1\n')).toThrow(/bad image number/);
	});

	it('names LFW files with four-digit numbers', () => {
		expect(lfwImagePath('George_W_Bush', 12)).toBe('George_W_Bush/George_W_Bush_0012.jpg');
	});

	it('reads CSV with any column order, CRLF, BOM and true/false labels', () => {
		const csv = '\uFEFFsame,file_a,file_b\r\n1,a/1.jpg,a/2.jpg\r\nfalse,a/1.jpg,b/1.png\r\n';
		expect(parsePairsCsv(csv)).toEqual([
			{ a: 'a/1.jpg', b: 'a/2.jpg', same: true },
			{ a: 'a/1.jpg', b: 'b/1.png', same: false }
		]);
		expect(() => parsePairsCsv('file_a,file_b\nx,y\n')).toThrow(/lacks "same"/);
		expect(() => parsePairsCsv('file_a,file_b,same\nx,y,maybe\n')).toThrow(/line 2/);
	});

	it('tells the formats apart by the first line', () => {
		expect(parsePairs(LFW_TWO_FOLDS)).toHaveLength(8);
		expect(parsePairs('file_a,file_b,same\nx,y,1\n')).toEqual([{ a: 'x', b: 'y', same: true }]);
	});
});

describe('pair scoring', () => {
	it('scores cosine per pair and NO_FACE_SCORE where an image had no face', () => {
		const vectors: Record<string, number[] | null> = { a: [1, 0], b: [0.6, 0.8], c: null };
		const { scores, labels, pairsWithoutFace } = scorePairs(
			[
				{ a: 'a', b: 'b', same: true },
				{ a: 'a', b: 'c', same: false }
			],
			(f) => vectors[f]
		);
		expect(scores[0]).toBeCloseTo(0.6, 10);
		expect(scores[1]).toBe(NO_FACE_SCORE);
		expect(labels).toEqual([1, 0]);
		expect(pairsWithoutFace).toBe(1);
	});

	it('judges each given fold with the threshold of the others', () => {
		// Fold 0 is separable at 0.5; fold 1 has one same-pair below every other score.
		const scores = [0.9, 0.8, 0.2, 0.1, 0.9, 0.05, 0.3, 0.2];
		const labels = [1, 1, 0, 0, 1, 1, 0, 0];
		const folds = [0, 0, 0, 0, 1, 1, 1, 1];
		const result = accuracyOnGivenFolds(scores, labels, folds);
		expect(result.perFold).toEqual([1, 0.75]);
		expect(result.mean).toBeCloseTo(0.875, 10);
	});
});

describe('npm run eval:pairs (real models, real photos)', () => {
	const dirs: string[] = [];
	afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

	it('evaluates a CSV list, counting images without a face', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'eval-pairs-'));
		dirs.push(dir);
		const csv = [
			'file_a,file_b,same',
			'Barack_Obama/obama1.jpg,Barack_Obama/obama2.jpg,1',
			'Barack_Obama/obama1.jpg,Barack_Obama/obama3.jpg,1',
			'Rose_Leslie/img1.jpg,Rose_Leslie/img2.jpg,1',
			'Kit_Harington/john2.jpeg,Kit_Harington/johnsnow_test1.jpg,1',
			'Barack_Obama/obama1.jpg,Rose_Leslie/img1.jpg,0',
			'Barack_Obama/obama2.jpg,Kit_Harington/john2.jpeg,0',
			'Rose_Leslie/img2.jpg,Kit_Harington/johnsnow_test1.jpg,0',
			'noface/white.png,Barack_Obama/obama3.jpg,0'
		].join('\n');
		writeFileSync(path.join(dir, 'pairs.csv'), csv);
		const output = collectingOutput();
		const json = path.join(dir, 'out', 'report.json');
		const report = await main(
			['--images', FACES_DIR, '--pairs', path.join(dir, 'pairs.csv'), '--folds', '2', '--json', json],
			{ output, env: {} }
		);
		expect(report).not.toBeNull();
		expect(report!.distinctImages).toBe(8);
		expect(report!.imagesWithoutFace).toEqual(['noface/white.png']);
		expect(report!.results).toHaveLength(1);
		const [r] = report!.results;
		expect(r.embedder).toBe('dlib-resnet128');
		expect(r.pairsWithoutFace).toBe(1);
		// These photos are easy: every same pair outscores every different pair.
		expect(r.auc).toBe(1);
		expect(r.eer).toBe(0);
		expect(output.lines.some((l) => l.startsWith('| dlib-resnet128'))).toBe(true);
	});

	it('evaluates an LFW-style pairs.txt with its own folds', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'eval-lfw-'));
		dirs.push(dir);
		const link = (name: string, index: number, source: string) => {
			mkdirSync(path.join(dir, name), { recursive: true });
			symlinkSync(facePath(source), path.join(dir, lfwImagePath(name, index)));
		};
		link('Obama', 1, 'Barack_Obama/obama1.jpg');
		link('Obama', 2, 'Barack_Obama/obama2.jpg');
		link('Obama', 3, 'Barack_Obama/obama3.jpg');
		link('Rose', 1, 'Rose_Leslie/img1.jpg');
		link('Rose', 2, 'Rose_Leslie/img2.jpg');
		const pairsTxt = ['2 1', 'Obama 1 2', 'Obama 1 Rose 1', 'Rose 1 2', 'Rose 2 Obama 3', ''].join('\n');
		writeFileSync(path.join(dir, 'pairs.txt'), pairsTxt);
		const report = await main(['--images', dir, '--pairs', path.join(dir, 'pairs.txt')], {
			output: collectingOutput(),
			env: {}
		});
		expect(report!.pairs).toBe(4);
		expect(report!.results[0].accuracy.folds).toBe(2);
		expect(report!.results[0].imagesWithoutFace).toBe(0);
	});

	it('refuses an unknown embedder with a usage error', async () => {
		await expect(main(['--embedder', 'nope'], { output: collectingOutput(), env: {} })).rejects.toThrow(
			/--embedder/
		);
	});
});
