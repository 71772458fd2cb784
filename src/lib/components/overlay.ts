import type { Box } from '../core/types';

export interface OverlayFace {
	box: Box;
	label: string;
	tone: 'ok' | 'bad' | 'neutral';
}
