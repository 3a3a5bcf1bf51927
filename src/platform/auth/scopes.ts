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
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(s: string): s is Scope {
  return Object.hasOwn(SCOPES, s);
}
