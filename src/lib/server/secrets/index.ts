import type { ServerConfig } from '../config';
import { loadSecretsFile } from './secrets-file';
import { TemplateCipher } from './template-cipher';

export { keyIdOf, TemplateCipher } from './template-cipher';
export { loadSecretsFile, writeSecretsFile, type SecretsFile } from './secrets-file';

function key32(base64: string, name: string): Uint8Array {
	const key = Buffer.from(base64, 'base64');
	if (key.byteLength !== 32) throw new Error(`${name} must be 32 bytes in base64 (openssl rand -base64 32).`);
	return new Uint8Array(key);
}

/** TEMPLATE_KEY from the environment, else the secrets file's key (created on first start). */
export function templateCipherFromConfig(config: ServerConfig): TemplateCipher {
	const previous = config.templateKeysPrevious.map((k) => key32(k, 'TEMPLATE_KEYS_PREVIOUS'));
	if (config.templateKey) return new TemplateCipher(key32(config.templateKey, 'TEMPLATE_KEY'), previous);
	const file = loadSecretsFile(config.secretsPath);
	const filePrevious = (file.previous_template_keys ?? []).map((k) => key32(k, 'previous_template_keys'));
	return new TemplateCipher(key32(file.template_key, 'template_key'), [...previous, ...filePrevious]);
}
