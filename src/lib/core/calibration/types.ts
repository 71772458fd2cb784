/** One photo of a calibration set: who, from which source, in which pose. */
export interface CalibrationSample {
	identity: string;
	/** Relative path; unique. */
	file: string;
	source: 'cfp' | 'celeba' | 'other';
	pose: 'frontal' | 'profile' | 'wild';
}

/** A sample with its embedding (null: no face found). */
export interface EmbeddedSample extends CalibrationSample {
	vector: Float32Array | null;
}
