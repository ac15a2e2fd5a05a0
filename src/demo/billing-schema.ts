import type { Database } from '../connection/database.js';

/** How many rows of each table the demo generates. */
export interface BillingSize {
  members: number;
  invoices: number;
  paymentReferences: number;
  mandates: number;
}

/** The demo's default size: at least 500k invoices, generated inside the database. */
export const defaultBillingSize: BillingSize = {
  members: 50_000,
  invoices: 500_000,
  paymentReferences: 400_000,
  mandates: 100_000,
};

const tables = [
  `create table "tabMember" (
    name text primary key,
    member_name text not null,
    email text,
    status text not null,
    created_date date not null
  )`,
  `create table "tabSales Invoice" (
    name text primary key,
    customer text not null,
    member text references "tabMember" (name),
    status text not null,
    posting_date date not null,
    due_date date not null,
    grand_total numeric(12, 2) not null,
    outstanding_amount numeric(12, 2) not null,
    currency text not null default 'EUR'
  )`,
  `create table "tabPayment Entry Reference" (
    name text primary key,
    parent text not null,
    reference_doctype text not null,
    reference_name text not null,
    allocated_amount numeric(12, 2) not null
  )`,
  `create table "tabSEPA Mandate" (
    name text primary key,
    member text not null references "tabMember" (name),
    mandate_reference text not null,
    iban text not null,
    status text not null,
    created_date date not null
  )`,
];

// Each statement generates one table with generate_series; `?` is the row count. Values are spread so
// that the demo's verify queries are selective: 20k customers, 4 statuses, ten years of dates.
const fills = [
  `insert into "tabMember" (name, member_name, email, status, created_date)
   select 'MEM-' || lpad(i::text, 6, '0'), 'Member ' || i, 'member' || i || '@example.org',
          case when i % 10 = 0 then 'Inactive' else 'Active' end,
          date '2015-01-01' + (i % 3650)
   from generate_series(1, ?::int) as i`,
  `insert into "tabSales Invoice" (name, customer, member, status, posting_date, due_date, grand_total, outstanding_amount)
   select 'SINV-' || lpad(i::text, 7, '0'), 'CUST-' || lpad((i % 20000)::text, 5, '0'),
          'MEM-' || lpad((1 + i % ?::int)::text, 6, '0'),
          (array['Paid', 'Paid', 'Paid', 'Unpaid', 'Overdue', 'Cancelled'])[1 + (i * 7) % 6],
          date '2015-01-01' + (i * 13) % 3650, date '2015-01-31' + (i * 13) % 3650,
          ((i * 37) % 100000) / 100.0, case when (i * 7) % 6 in (3, 4) then ((i * 37) % 100000) / 100.0 else 0 end
   from generate_series(1, ?::int) as i`,
  `insert into "tabPayment Entry Reference" (name, parent, reference_doctype, reference_name, allocated_amount)
   select 'PER-' || lpad(i::text, 7, '0'), 'PE-' || lpad((i / 2)::text, 7, '0'),
          case when i % 8 = 0 then 'Journal Entry' else 'Sales Invoice' end,
          'SINV-' || lpad((1 + (i::bigint * 7919) % ?::int)::text, 7, '0'), ((i * 31) % 50000) / 100.0
   from generate_series(1, ?::int) as i`,
  `insert into "tabSEPA Mandate" (name, member, mandate_reference, iban, status, created_date)
   select 'MAND-' || lpad(i::text, 7, '0'), 'MEM-' || lpad((1 + i % ?::int)::text, 6, '0'),
          'SEPA-' || i, 'NL' || lpad((i % 97)::text, 2, '0') || 'BANK' || lpad(i::text, 10, '0'),
          (array['Active', 'Cancelled', 'Expired'])[1 + i % 3], date '2015-01-01' + (i * 11) % 3650
   from generate_series(1, ?::int) as i`,
];

/** Creates the billing tables and fills them inside the database, then refreshes statistics. */
export async function createBillingSchema(
  db: Database,
  size: BillingSize,
  report: (line: string) => void = () => {},
): Promise<void> {
  for (const statement of tables) await db.query(statement);
  const [members, invoices, references, mandates] = fills;
  report(`generating ${size.members.toLocaleString('en')} members`);
  await db.query(members!, [size.members]);
  report(`generating ${size.invoices.toLocaleString('en')} sales invoices`);
  await db.query(invoices!, [size.members, size.invoices]);
  report(`generating ${size.paymentReferences.toLocaleString('en')} payment entry references`);
  await db.query(references!, [size.invoices, size.paymentReferences]);
  report(`generating ${size.mandates.toLocaleString('en')} SEPA mandates`);
  await db.query(mandates!, [size.members, size.mandates]);
  await db.query('analyze');
}
