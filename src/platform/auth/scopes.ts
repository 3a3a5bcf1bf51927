/**
 * The named permissions a department system can be granted. Services assert them before
 * touching data; subgraphs enforce them themselves (the gateway enforces nothing).
 */
export const SCOPES = {
  'enterprise:register': 'register new enterprises in the Subject Library',
  'enterprise:update': 'update enterprises in the Subject Library',
  'enterprise:read-personal': "read personal data unmasked (legal representative's ID number, contact phone)",
  'directory:read': 'list department systems and their scopes',
  'directory:admin': 'create department systems and API keys',
  'licence:issue': "issue licences of the caller's department's licence types",
  'licence:amend': "amend licences issued by the caller's department",
  'licence:suspend': "suspend and reinstate licences issued by the caller's department",
  'licence:revoke': "revoke licences issued by the caller's department",
  'licence:cancel': "cancel (注销) licences issued by the caller's department",
  'penalty:decide': "record penalty decisions of the caller's department",
  'penalty:read': 'read penalties outside their publicity period and repaired ones',
  'ingest:write': "send export files of the caller's department to POST /ingest/<adapter>",
  'ingest:read': "list quarantined records, conflicts and provenance of the caller's department",
  'penalty:credit-repair': "record credit repair of the caller's department's penalties",
  'case:accept':
    "accept applications at a window for any department's items (one-window acceptance) and record supplemented materials",
  'case:handle': "move cases of the caller's department's items through their steps, pauses and conclusion",
  'case:read': "read the applicant's personal data in cases of the caller's department",
  'catalogue:admin': 'import the service catalogue',
  'calendar:admin': 'correct the working-day calendar (holidays and adjusted working days)',
  'feed:read': 'read the change feed of enterprises, licences and penalties (query and subscription)',
  'booking:admin': "set the booking slots (places, days, times, capacity) of the caller's department's items",
  'hall:answer':
    "answer complaints and consultations addressed to the caller's department and follow up low evaluations",
  'hall:supervise': "read every department's complaints, consultations and escalations (supervision)",
  'supervision:read':
    'read the supervision dashboard, reports, red cases, callbacks, pushes and admonitions of every department',
  'supervision:write': 'record callback (回访) results and run overdue admonitions',
  'feed:webhooks': "register, list and delete the caller's own change-feed webhooks",
  'audit:read': 'read the audit trail of unmasked personal-data reads (who, what, why, when)',
  'metrics:read': 'scrape the Prometheus metrics at GET /metrics',
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(s: string): s is Scope {
  return Object.hasOwn(SCOPES, s);
}
