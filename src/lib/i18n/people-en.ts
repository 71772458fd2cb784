/** English messages of the People page; `people-es.ts` must have the same keys (the type checks it). */
export const peopleEn = {
	'nav.people': 'People',
	'people.title': 'People',
	'people.intro':
		'Register people by name from a few photos, then name every face in a photo or in the live camera. Recognition runs on this device and only face embeddings are stored, never the photos.',
	'people.engine': 'Embedder {embedder} · threshold {threshold} · margin {margin}',
	'people.engineLoading': 'Loading the recognition model…',
	'people.engineError': 'The recognition model failed to load: {error}',

	'people.register.title': 'Register a person',
	'people.register.name': 'Name',
	'people.register.namePlaceholder': 'e.g. Amy',
	'people.register.hint':
		'Add three to ten photos in which the person is alone. An existing name gets the new photos added.',
	'people.register.fromCamera': 'Capture from the camera',
	'people.register.capture': 'Capture',
	'people.register.submit': 'Register {name} ({n} faces)',
	'people.register.needName': 'Type a name first',
	'people.register.needFaces': 'Add at least one photo with a face',
	'people.register.clear': 'Clear photos',
	'people.register.created': '{name} registered with {n} faces.',
	'people.register.added': '{n} faces added to {name}.',
	'people.register.checking': 'Analysing…',
	'people.register.ok': 'Face found',
	'people.register.camera': 'Camera frame',

	'people.reason.NO_FACE': 'No face found',
	'people.reason.MULTIPLE_FACES': '{n} faces: use a photo of this person alone',
	'people.reason.BAD_IMAGE': 'Not a readable image',
	'people.reason.ERROR': 'Could not be processed: {message}',

	'people.list.title': 'Registered on this device',
	'people.list.empty': 'Nobody registered yet.',
	'people.list.faces': '{n} faces',
	'people.list.otherModel': '{n} from another model version, not used',
	'people.list.delete': 'Delete',
	'people.list.confirmDelete': 'Delete {name} and all of their face data?',

	'people.recognize.title': 'Recognize',
	'people.mode.label': 'Recognition runs',
	'people.mode.device': 'on this device',
	'people.mode.server': 'on the server',
	'people.mode.serverHint':
		'Frames go to this server (POST /process_frame) and are matched against the people registered there, not the ones on this device.',
	'people.recognize.emptyGallery': 'Nobody is registered on this device yet: every face will be unknown.',
	'people.recognize.photo': 'Photo',
	'people.recognize.camera': 'Live camera',
	'people.recognize.photoAlt': 'Photo being recognized',
	'people.recognize.working': 'Recognizing…',
	'people.recognize.noFaces': 'No face found.',
	'people.recognize.timing': '{n} faces · {ms} ms',
	'people.recognize.timingServer': '{n} faces · {ms} ms (server {server} ms)',

	'people.face.unknown': 'Unknown',
	'people.face.nearest': 'nearest: {name} {score}',
	'people.unknown.below_threshold': 'not close enough to anyone',
	'people.unknown.ambiguous': 'too close to two people',
	'people.unknown.duplicate_in_frame': 'another face matches this person better',
	'people.unknown.empty_gallery': 'nobody registered',

	'people.error.server': 'The server answered {code}: {message}',
	'people.error.offline': 'The server cannot be reached: {message}',
	'people.error.other': 'Recognition failed: {message}'
};

export type PeopleMessages = typeof peopleEn;
export type PeopleMessageKey = keyof PeopleMessages;
