import type { PeopleMessages } from './people-en';

/** Mensajes en español de la página Personas. */
export const peopleEs: PeopleMessages = {
	'nav.people': 'Personas',
	'people.title': 'Personas',
	'people.intro':
		'Registra personas por su nombre con unas pocas fotos y luego nombra cada rostro de una foto o de la cámara en vivo. El reconocimiento se hace en este dispositivo y solo se guardan las huellas faciales (embeddings), nunca las fotos.',
	'people.engine': 'Modelo {embedder} · umbral {threshold} · margen {margin}',
	'people.engineLoading': 'Cargando el modelo de reconocimiento…',
	'people.engineError': 'No se pudo cargar el modelo de reconocimiento: {error}',

	'people.register.title': 'Registrar a una persona',
	'people.register.name': 'Nombre',
	'people.register.namePlaceholder': 'p. ej. Amy',
	'people.register.hint':
		'Añade de tres a diez fotos en las que la persona aparezca sola. Si el nombre ya existe, las fotos se le añaden.',
	'people.register.fromCamera': 'Capturar con la cámara',
	'people.register.capture': 'Capturar',
	'people.register.submit': 'Registrar a {name} ({n} rostros)',
	'people.register.needName': 'Escribe primero un nombre',
	'people.register.needFaces': 'Añade al menos una foto con un rostro',
	'people.register.clear': 'Quitar las fotos',
	'people.register.created': '{name} registrado con {n} rostros.',
	'people.register.added': '{n} rostros añadidos a {name}.',
	'people.register.checking': 'Analizando…',
	'people.register.ok': 'Rostro encontrado',
	'people.register.camera': 'Fotograma de la cámara',

	'people.reason.NO_FACE': 'No se encontró ningún rostro',
	'people.reason.MULTIPLE_FACES': '{n} rostros: usa una foto en la que la persona esté sola',
	'people.reason.BAD_IMAGE': 'No es una imagen legible',
	'people.reason.ERROR': 'No se pudo procesar: {message}',

	'people.list.title': 'Registradas en este dispositivo',
	'people.list.empty': 'Todavía no hay nadie registrado.',
	'people.list.faces': '{n} rostros',
	'people.list.otherModel': '{n} de otra versión del modelo, sin usar',
	'people.list.delete': 'Eliminar',
	'people.list.confirmDelete': '¿Eliminar a {name} y todos sus datos faciales?',

	'people.recognize.title': 'Reconocer',
	'people.mode.label': 'El reconocimiento se hace',
	'people.mode.device': 'en este dispositivo',
	'people.mode.server': 'en el servidor',
	'people.mode.serverHint':
		'Los fotogramas se envían a este servidor (POST /process_frame) y se comparan con las personas registradas allí, no con las de este dispositivo.',
	'people.recognize.emptyGallery':
		'Todavía no hay nadie registrado en este dispositivo: todos los rostros serán desconocidos.',
	'people.recognize.photo': 'Foto',
	'people.recognize.camera': 'Cámara en vivo',
	'people.recognize.photoAlt': 'Foto que se está reconociendo',
	'people.recognize.working': 'Reconociendo…',
	'people.recognize.noFaces': 'No se encontró ningún rostro.',
	'people.recognize.timing': '{n} rostros · {ms} ms',
	'people.recognize.timingServer': '{n} rostros · {ms} ms (servidor {server} ms)',

	'people.face.unknown': 'Desconocido',
	'people.face.nearest': 'más cercano: {name} {score}',
	'people.unknown.below_threshold': 'no se parece lo bastante a nadie',
	'people.unknown.ambiguous': 'se parece demasiado a dos personas',
	'people.unknown.duplicate_in_frame': 'otro rostro se parece más a esta persona',
	'people.unknown.empty_gallery': 'no hay nadie registrado',

	'people.error.server': 'El servidor respondió {code}: {message}',
	'people.error.offline': 'No se puede conectar con el servidor: {message}',
	'people.error.other': 'El reconocimiento falló: {message}'
};
