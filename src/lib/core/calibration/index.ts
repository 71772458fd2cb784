export * from './types';
export * from './operating-points';
export * from './report';
export * from './stats';
export * from './scores';
export * from './identification';
export * from './enrolment-study';
export * from './wccn';
