/** Minimal SVG building blocks: pure strings, so reports open offline in any browser without a chart library. */

export function escapeXml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

/** Short fixed-point numbers keep the files small; 0.1 px is below what a screen shows. */
export function fmt(value: number, digits = 1): string {
	const rounded = Number(value.toFixed(digits));
	return Object.is(rounded, -0) ? '0' : String(rounded);
}

export const COLORS = {
	me: '#1f77b4',
	notMe: '#ff7f0e',
	curve: '#1f77b4',
	chance: '#9ca3af',
	threshold: '#d62728',
	grid: '#e5e7eb',
	axis: '#374151',
	text: '#111827'
} as const;

export const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

export function svgDocument(width: number, height: number, title: string, body: string[]): string {
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
		`<title>${escapeXml(title)}</title>`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		...body,
		'</svg>'
	].join('\n');
}

export function text(
	x: number,
	y: number,
	content: string,
	options: {
		size?: number;
		anchor?: 'start' | 'middle' | 'end';
		weight?: string;
		rotate?: number;
		fill?: string;
	} = {}
): string {
	const transform = options.rotate ? ` transform="rotate(${options.rotate} ${fmt(x)} ${fmt(y)})"` : '';
	return (
		`<text x="${fmt(x)}" y="${fmt(y)}" ${FONT} font-size="${options.size ?? 12}" ` +
		`text-anchor="${options.anchor ?? 'start'}" fill="${options.fill ?? COLORS.text}"` +
		`${options.weight ? ` font-weight="${options.weight}"` : ''}${transform}>${escapeXml(content)}</text>`
	);
}

/** A plot area mapping data coordinates [xMin, xMax] x [yMin, yMax] to pixels, y growing upwards. */
export interface Frame {
	left: number;
	top: number;
	width: number;
	height: number;
	x: (value: number) => number;
	y: (value: number) => number;
}

export function frame(
	left: number,
	top: number,
	width: number,
	height: number,
	xRange: [number, number] = [0, 1],
	yRange: [number, number] = [0, 1]
): Frame {
	const span = (range: [number, number]) => range[1] - range[0] || 1;
	return {
		left,
		top,
		width,
		height,
		x: (value) => left + ((value - xRange[0]) / span(xRange)) * width,
		y: (value) => top + height - ((value - yRange[0]) / span(yRange)) * height
	};
}

/** Grid, ticks and axis titles for a frame. */
export function axes(
	f: Frame,
	options: {
		xTicks: number[];
		yTicks: number[];
		xLabel: string;
		yLabel: string;
		xDigits?: number;
		yDigits?: number;
	}
): string[] {
	const out: string[] = [];
	for (const tick of options.xTicks) {
		const x = fmt(f.x(tick));
		out.push(
			`<line x1="${x}" y1="${fmt(f.top)}" x2="${x}" y2="${fmt(f.top + f.height)}" stroke="${COLORS.grid}"/>`
		);
		out.push(
			text(f.x(tick), f.top + f.height + 16, tick.toFixed(options.xDigits ?? 1), {
				size: 11,
				anchor: 'middle'
			})
		);
	}
	for (const tick of options.yTicks) {
		const y = fmt(f.y(tick));
		out.push(
			`<line x1="${fmt(f.left)}" y1="${y}" x2="${fmt(f.left + f.width)}" y2="${y}" stroke="${COLORS.grid}"/>`
		);
		out.push(
			text(f.left - 6, f.y(tick) + 4, tick.toFixed(options.yDigits ?? 1), { size: 11, anchor: 'end' })
		);
	}
	out.push(
		`<rect x="${fmt(f.left)}" y="${fmt(f.top)}" width="${fmt(f.width)}" height="${fmt(f.height)}" fill="none" stroke="${COLORS.axis}"/>`
	);
	out.push(text(f.left + f.width / 2, f.top + f.height + 36, options.xLabel, { size: 12, anchor: 'middle' }));
	out.push(
		text(f.left - 40, f.top + f.height / 2, options.yLabel, { size: 12, anchor: 'middle', rotate: -90 })
	);
	return out;
}

export function polyline(
	f: Frame,
	xs: ArrayLike<number>,
	ys: ArrayLike<number>,
	stroke: string,
	extra = ''
): string {
	const points: string[] = [];
	for (let i = 0; i < xs.length; i++) points.push(`${fmt(f.x(xs[i]))},${fmt(f.y(ys[i]))}`);
	return `<polyline points="${points.join(' ')}" fill="none" stroke="${stroke}" stroke-width="2" stroke-linejoin="round"${extra ? ` ${extra}` : ''}/>`;
}

export function ticks(from: number, to: number, count: number): number[] {
	return Array.from({ length: count + 1 }, (_, i) => from + ((to - from) * i) / count);
}

/** A legend of coloured swatches in the frame's top-left or bottom-right corner. */
export function legend(
	f: Frame,
	entries: { label: string; color: string; dashed?: boolean }[],
	corner: 'top-left' | 'bottom-left' | 'bottom-right'
): string[] {
	const rowHeight = 18;
	const boxWidth = Math.max(...entries.map((e) => e.label.length)) * 6.6 + 34;
	const boxHeight = entries.length * rowHeight + 8;
	const x0 = corner === 'bottom-right' ? f.left + f.width - boxWidth - 8 : f.left + 8;
	const y0 = corner === 'top-left' ? f.top + 8 : f.top + f.height - boxHeight - 8;
	const out = [
		`<rect x="${fmt(x0)}" y="${fmt(y0)}" width="${fmt(boxWidth)}" height="${boxHeight}" fill="#ffffff" fill-opacity="0.9" stroke="${COLORS.grid}"/>`
	];
	entries.forEach((entry, i) => {
		const y = y0 + 4 + rowHeight * i + rowHeight / 2;
		const dash = entry.dashed ? ' stroke-dasharray="5 4"' : '';
		out.push(
			`<line x1="${fmt(x0 + 6)}" y1="${fmt(y)}" x2="${fmt(x0 + 24)}" y2="${fmt(y)}" stroke="${entry.color}" stroke-width="3"${dash}/>`
		);
		out.push(text(x0 + 30, y + 4, entry.label, { size: 11 }));
	});
	return out;
}
