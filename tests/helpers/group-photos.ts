// Labels for the group photos in ../shared/data/faces/multi, shared by the server and browser tests.

/** Who is where: face centres as fractions of width and height, read off the photos (manifest `note`). */
export const GROUP_PHOTOS: Record<string, [name: string, x: number, y: number][]> = {
	'multi/bbt1.jpg': [
		['raj', 0.19, 0.26],
		['leonard', 0.38, 0.27],
		['howard', 0.56, 0.25],
		['sheldon', 0.77, 0.19]
	],
	'multi/bbt2.jpg': [
		['leonard', 0.19, 0.36],
		['sheldon', 0.62, 0.34]
	],
	'multi/bbt3.jpg': [
		['sheldon', 0.1, 0.17],
		['howard', 0.3, 0.33],
		['penny', 0.47, 0.35],
		['raj', 0.66, 0.37],
		['leonard', 0.87, 0.35]
	],
	'multi/bbt4.jpg': [
		['amy', 0.155, 0.17],
		['raj', 0.39, 0.21],
		['bernadette', 0.87, 0.25],
		['leonard', 0.13, 0.63],
		['penny', 0.415, 0.59],
		['sheldon', 0.71, 0.51]
	],
	'multi/bbt5.jpg': [
		['raj', 0.16, 0.41],
		['penny', 0.27, 0.16],
		['sheldon', 0.5, 0.37],
		['leonard', 0.66, 0.18],
		['howard', 0.81, 0.3]
	]
};
