// Ends a jest run with one plain line, `jest: N passed, N failed`, that CI tooling reads.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const suitesFailedToRun = results.numRuntimeErrorTestSuites;
    console.log(
      `\njest: ${results.numPassedTests} passed, ${results.numFailedTests + suitesFailedToRun} failed` +
        (skipped ? `, ${skipped} skipped` : ''),
    );
  }
}
module.exports = SummaryReporter;
