export { confusionMatrixSvg, prChartSvg, rocChartSvg, scoreHistogramSvg } from './charts';
export type { ConfusionCounts, HistogramInput, OperatingPoint, PrChartInput, RocChartInput } from './charts';
export type * from './evaluation';
export { evaluationReportHtml, type ReportCharts } from './html';
