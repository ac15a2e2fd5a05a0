import type { FleetFailure, FleetOutcome } from '../../fleet/waves.js';
import { problemJson } from './errors.js';

/** What a target that failed before it had a report shows as its result: the error document of one target. */
function failureJson(failure: FleetFailure) {
  return {
    errors: failure.problems ? failure.problems.map(problemJson) : [{ code: failure.code, message: failure.message }],
  };
}

/**
 * The fleet document of SPEC: `{"targets": [{name, status, run, error, result}]}`, in the order the targets
 * ran (skipped ones last); `result` is the single-target document (null for a skipped target), and `target`
 * the URL without its password.
 */
export function fleetJson<R>(outcomes: readonly FleetOutcome<R>[], resultJson: (report: R) => unknown) {
  return {
    targets: outcomes.map((outcome) => ({
      name: outcome.target.name,
      target: outcome.target.display,
      status: outcome.status,
      run: outcome.run,
      error: outcome.error,
      result:
        outcome.result === null
          ? null
          : 'report' in outcome.result
            ? resultJson(outcome.result.report)
            : failureJson(outcome.result.failure),
    })),
  };
}

/** The fleet document as text. */
export function renderFleetJson<R>(outcomes: readonly FleetOutcome<R>[], resultJson: (report: R) => unknown): string {
  return JSON.stringify(fleetJson(outcomes, resultJson), null, 2);
}
