/**
 * Imported FIRST by tests that load the handlers: Powertools reads these when the module-scope
 * logger and metrics are built, i.e. when functions/shared/observe.ts is first evaluated.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
