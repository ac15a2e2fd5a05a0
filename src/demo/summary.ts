import { type BillingSize, defaultBillingSize } from './billing-schema.js';

/** The demo's table sizes for a given number of invoices (the other tables scale with it). */
export function billingSizeFor(invoices: number): BillingSize {
  const scale = invoices / defaultBillingSize.invoices;
  const scaled = (n: number) => Math.max(100, Math.round(n * scale));
  return {
    members: scaled(defaultBillingSize.members),
    invoices,
    paymentReferences: scaled(defaultBillingSize.paymentReferences),
    mandates: scaled(defaultBillingSize.mandates),
  };
}
