/** What `GET /` (as JSON) and `GET /api` answer: the seed's API index. */
export const API_DESCRIPTION = {
	name: 'me-verifier',
	version: '1.0.0',
	description: 'Face verification ("is this me?") and recognition, on the device or over HTTP.',
	endpoints: {
		health: 'GET /healthz',
		verify: 'POST /verify (multipart field "image")',
		register: 'POST /register (multipart "name" + "images")',
		process_images: 'POST /process-images (multipart "id" + "images")',
		process_frame: 'POST /process_frame (multipart "image")',
		people: 'GET /people, GET /people/{id}, DELETE /people/{id}',
		signup: 'POST /registro-datos, POST /registro-imagenes/{id}',
		login: 'POST /autenticacion (multipart "image") -> JWT',
		profile: 'PUT /actualizar-perfil (Authorization: Bearer <token>)',
		openapi: 'GET /openapi.json'
	}
} as const;
