import { ENGINE_STAGE_MARKS } from './engine-ready-mark';

// The engine worker's first import (its own only import has none): evaluated before tfjs and Human, so this mark
// says when the worker's script had been fetched and compiled, and what follows is those modules being evaluated.
performance.mark(ENGINE_STAGE_MARKS.workerScript);
