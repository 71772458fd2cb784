// Human's no-bundle ESM build (it imports the app's tfjs instead of embedding its own copy). The
// package's `exports` map hides it, so vite.config.ts aliases this id to the file.
declare module '@vladmandic/human/nobundle' {
	export * from '@vladmandic/human';
}
