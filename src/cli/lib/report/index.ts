export type * from './evaluation';
export { evaluationReportHtml, type ReportCharts } from './html';
