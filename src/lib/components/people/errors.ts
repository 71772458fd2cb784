import { t } from '../../i18n/index.svelte';
import { ServerError } from '../../browser/people/remote';
import { ImageDecodeError } from '../../browser/image';

/** A recognition failure as one sentence for the page. */
export function explainRecognitionError(error: unknown): string {
	if (error instanceof ServerError) {
		return error.code === 'OFFLINE'
			? t('people.error.offline', { message: error.message })
			: t('people.error.server', { code: error.code, message: error.message });
	}
	if (error instanceof ImageDecodeError) return t('reason.BAD_IMAGE');
	return t('people.error.other', { message: error instanceof Error ? error.message : String(error) });
}
