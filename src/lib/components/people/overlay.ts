import type { RecognizedFace } from '../../browser/people/recognize';
import { i18n, t } from '../../i18n/index.svelte';
import type { OverlayFace } from '../overlay';

/** A box per face: the person's name and cosine confidence, or "unknown". */
export function overlayFaces(faces: readonly RecognizedFace[]): OverlayFace[] {
	return faces.map((face) =>
		face.name === null
			? { box: face.box, tone: 'bad', label: t('people.face.unknown') }
			: { box: face.box, tone: 'ok', label: `${face.name} ${i18n.number(face.confidence ?? 0, 2)}` }
	);
}
