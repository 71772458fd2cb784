import { describe, expect, it } from 'vitest';
import { EMBEDDER_IDS, embedderMeta } from '../embedders';
import { calibrationOf, FALLBACK_POLICY, loginPolicyFor, MATCH_POLICIES, matchPolicyFor } from './thresholds';

describe('match policies', () => {
	it('every embedder has a FAR calibration or a policy made with its current version (recalibrate when a version changes)', () => {
		for (const id of EMBEDDER_IDS) {
			if (calibrationOf(id)) continue;
			expect(MATCH_POLICIES[id], id).toBeDefined();
			expect(MATCH_POLICIES[id].calibratedWith, id).toBe(embedderMeta(id).version);
		}
		expect(calibrationOf('dlib-resnet128')?.embedderVersion).toBe(embedderMeta('dlib-resnet128').version);
	});

	it('thresholds are cosines and margins are small positive gaps', () => {
		for (const policy of Object.values(MATCH_POLICIES)) {
			expect(policy.threshold).toBeGreaterThan(0);
			expect(policy.threshold).toBeLessThan(1);
			expect(policy.margin).toBeGreaterThan(0);
			expect(policy.margin).toBeLessThan(0.2);
		}
	});

	it('login is stricter than frame recognition for every embedder; unknown embedders get the fallback', () => {
		for (const id of [...EMBEDDER_IDS, 'no-such-embedder']) {
			const people = matchPolicyFor(id);
			const login = loginPolicyFor(id);
			expect(Object.keys(people).sort()).toEqual(['margin', 'strategy', 'threshold']);
			expect(login.threshold, id).toBeGreaterThan(people.threshold);
			expect({ ...login, threshold: people.threshold }).toEqual(people);
		}
		const { threshold, margin, strategy } = FALLBACK_POLICY;
		expect(matchPolicyFor('no-such-embedder')).toEqual({ threshold, margin, strategy });
	});
});
