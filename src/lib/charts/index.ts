export {
	CHART_TEXT_EN,
	confusionMatrixSvg,
	prChartSvg,
	rocChartSvg,
	scoreHistogramSvg,
	type ChartText,
	type HistogramInput,
	type OperatingPoint,
	type PrChartInput,
	type RocChartInput
} from './charts';
export { trainingCharts, type TrainingCharts } from './from-scores';
