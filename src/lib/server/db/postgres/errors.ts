/** Lock not available, serialisation failure, deadlock, statement timeout: answered as 503 BUSY. */
export function isPostgresBusy(error: unknown): boolean {
	const code = (error as { code?: string })?.code;
	return code === '55P03' || code === '40001' || code === '40P01' || code === '57014';
}
