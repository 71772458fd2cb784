/** getUserMedia lifecycle: start, stop, switch between the front and the back camera (phones). */
export class Camera {
	stream = $state.raw<MediaStream | null>(null);
	facing = $state<'user' | 'environment'>('user');
	error = $state<string | null>(null);
	starting = $state(false);

	get active(): boolean {
		return this.stream !== null;
	}

	async start(video: HTMLVideoElement): Promise<void> {
		this.stop(video);
		this.error = null;
		this.starting = true;
		try {
			if (!navigator.mediaDevices?.getUserMedia) throw new Error('camera API unavailable (needs HTTPS)');
			const stream = await navigator.mediaDevices.getUserMedia({
				audio: false,
				video: { facingMode: this.facing, width: { ideal: 640 }, height: { ideal: 480 } }
			});
			video.srcObject = stream;
			video.muted = true;
			video.playsInline = true;
			await video.play();
			this.stream = stream;
			// A camera unplugged, taken by another app or revoked in the browser ends its track: stop, so the
			// live loops end and the page offers to start it again.
			for (const track of stream.getVideoTracks()) {
				track.addEventListener('ended', () => {
					if (this.stream === stream) this.stop(video);
				});
			}
		} catch (error) {
			this.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
		} finally {
			this.starting = false;
		}
	}

	stop(video?: HTMLVideoElement | null): void {
		for (const track of this.stream?.getTracks() ?? []) track.stop();
		this.stream = null;
		if (video) video.srcObject = null;
	}

	async switchFacing(video: HTMLVideoElement): Promise<void> {
		this.facing = this.facing === 'user' ? 'environment' : 'user';
		if (this.active) await this.start(video);
	}
}
