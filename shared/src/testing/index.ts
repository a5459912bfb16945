/** Helpers for integration tests; not for production code. */
export * from './isolatedTopology';
export * from './awaitMessage';
export * from './prometheusText';
export * from './undocumentedAnswers';
export * from './apiDocumentProblems';
