export { configuredModel, peopleEngine, warmGalleries } from './people-engine';
export type { Rejected } from './faces';
export {
	createUser,
	enrolUserFaces,
	loginWithFace,
	MIN_LOGIN_PHOTOS,
	parseUserId,
	requireToken,
	updateProfile
} from './login';
export {
	deletePerson,
	getPerson,
	listPeople,
	MAX_ENROLMENT_PHOTOS,
	processImages,
	recognizeFrame,
	registerPerson
} from './registry';
