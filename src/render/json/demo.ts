import type { DemoResult } from '../../demo/run-demo.js';
import { applyJson, rollbackJson } from './apply.js';
import { planJson } from './plan.js';

/** The demo as one JSON document: each step as its command prints it with --format json. */
export function demoJson(result: DemoResult) {
  return {
    seconds: result.seconds,
    plan: planJson(result.plan),
    apply: applyJson(result.apply),
    rollback: rollbackJson(result.rollback),
    plan_after_rollback: planJson(result.planAfterRollback),
  };
}

/** `demo --format json`. */
export function renderDemoJson(result: DemoResult): string {
  return JSON.stringify(demoJson(result), null, 2);
}
