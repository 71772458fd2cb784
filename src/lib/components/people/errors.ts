import { tp } from '../../browser/people/i18n';
import { ServerError } from '../../browser/people/remote';
import { ImageDecodeError } from '../../browser/image';

/** A recognition failure as one sentence for the page. */
export function explainRecognitionError(error: unknown): string {
	if (error instanceof ServerError) {
		return error.code === 'OFFLINE'
			? tp('people.error.offline', { message: error.message })
			: tp('people.error.server', { code: error.code, message: error.message });
	}
	if (error instanceof ImageDecodeError) return tp('people.reason.BAD_IMAGE');
	return tp('people.error.other', { message: error instanceof Error ? error.message : String(error) });
}
