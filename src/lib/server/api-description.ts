/** What `GET /` (as JSON) and `GET /api` answer: the seed's API index. */
export const API_DESCRIPTION = {
	name: 'me-verifier',
	version: '1.0.0',
	description: 'Face verification ("is this me?") and recognition, on the device or over HTTP.',
	endpoints: {
		health: 'GET /healthz',
		verify:
			'POST /verify (multipart "image", or a liveness challenge\'s "challenge" + "frames" + "frame_times")',
		liveness: 'POST /liveness/challenge ({"purpose": "login" | "verify" | "enrol"})',
		register: 'POST /register (multipart "name" + "images")',
		process_images: 'POST /process-images (multipart "id" + "images")',
		process_frame: 'POST /process_frame (multipart "image")',
		people: 'GET /people, GET /people/{id}, DELETE /people/{id}',
		signup: 'POST /registro-datos, POST /registro-imagenes/{id}',
		login:
			'POST /autenticacion (multipart "challenge" + "frames" + "frame_times"; "image" only if LOGIN_LIVENESS allows) -> JWT',
		profile: 'PUT /actualizar-perfil (Authorization: Bearer <token>)',
		openapi: 'GET /openapi.json'
	}
} as const;
