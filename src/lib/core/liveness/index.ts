export * from './actions';
export * from './challenge';
export * from './check';
export * from './judge';
export { MOTION_LIMITS, poseOf, baselineOf } from './signals';
export * from './same-face';
export * from './enrolment';
