import path from 'node:path';

/**
 * Default locations follow the seed layout (data/me, data/not_me, data/cropped, models/, reports/).
 * Each can be moved with a flag or with the environment variable named here.
 */
export const ENV = {
	dataDir: 'DATA_DIR',
	embeddings: 'EMBEDDINGS_PATH',
	model: 'MODEL_PATH',
	reportsDir: 'REPORTS_DIR'
} as const;

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
	return env[ENV.dataDir] || 'data';
}

export const defaultPaths = (env: NodeJS.ProcessEnv = process.env) => {
	const data = dataDir(env);
	return {
		me: path.join(data, 'me'),
		notMe: path.join(data, 'not_me'),
		croppedMe: path.join(data, 'cropped', 'me'),
		croppedNotMe: path.join(data, 'cropped', 'not_me'),
		embeddings: env[ENV.embeddings] || path.join(data, 'embeddings.json'),
		model: env[ENV.model] || path.join('models', 'model.json'),
		reportsDir: env[ENV.reportsDir] || 'reports'
	};
};
