export {
	binaryMetrics,
	confusionAt,
	metricsFromConfusion,
	type BinaryMetrics,
	type Confusion
} from './confusion';
export { averagePrecision, prCurve, rocAuc, rocCurve, type PrPoint, type RocPoint } from './curves';
export { bestAccuracyThreshold, kFoldAccuracy, stratifiedFolds } from './kfold';
export {
	chooseThreshold,
	equalErrorRate,
	tarAtFar,
	thresholdAnalysis,
	type ThresholdAnalysis,
	type ThresholdChoice,
	type ThresholdMethod
} from './threshold';
