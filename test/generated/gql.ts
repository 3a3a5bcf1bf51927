/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query EnterpriseByUscc($uscc: USCC!) {\n  enterprise(uscc: $uscc) {\n    uscc\n    name\n    status\n    street\n    legalRepresentative\n    legalRepresentativeIdNumber\n    contactPhone\n    registeredCapital\n    establishedOn\n    revision\n    registrationAuthority {\n      code\n      name\n      kind\n    }\n    source {\n      systemId\n      recordId\n      version\n    }\n  }\n}\n\nquery EnterprisePage($first: Int!, $after: String, $filter: EnterpriseFilter) {\n  enterprises(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        uscc\n        name\n        street\n        status\n        registrationAuthority {\n          name\n        }\n      }\n    }\n  }\n}\n\nmutation RegisterEnterprise($input: RegisterEnterpriseInput!) {\n  registerEnterprise(input: $input) {\n    uscc\n    name\n    revision\n    registrationAuthority {\n      code\n      name\n    }\n  }\n}\n\nmutation UpdateEnterprise($uscc: USCC!, $input: UpdateEnterpriseInput!, $expectedRevision: Int) {\n  updateEnterprise(\n    uscc: $uscc\n    input: $input\n    expectedRevision: $expectedRevision\n  ) {\n    uscc\n    name\n    status\n    revision\n  }\n}\n\nquery Viewer {\n  viewer {\n    authenticated\n    scopes\n    system {\n      name\n    }\n    department {\n      code\n      name\n    }\n  }\n}\n\nquery Departments {\n  departments {\n    code\n    name\n    kind\n  }\n}": typeof types.EnterpriseByUsccDocument,
};
const documents: Documents = {
    "query EnterpriseByUscc($uscc: USCC!) {\n  enterprise(uscc: $uscc) {\n    uscc\n    name\n    status\n    street\n    legalRepresentative\n    legalRepresentativeIdNumber\n    contactPhone\n    registeredCapital\n    establishedOn\n    revision\n    registrationAuthority {\n      code\n      name\n      kind\n    }\n    source {\n      systemId\n      recordId\n      version\n    }\n  }\n}\n\nquery EnterprisePage($first: Int!, $after: String, $filter: EnterpriseFilter) {\n  enterprises(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        uscc\n        name\n        street\n        status\n        registrationAuthority {\n          name\n        }\n      }\n    }\n  }\n}\n\nmutation RegisterEnterprise($input: RegisterEnterpriseInput!) {\n  registerEnterprise(input: $input) {\n    uscc\n    name\n    revision\n    registrationAuthority {\n      code\n      name\n    }\n  }\n}\n\nmutation UpdateEnterprise($uscc: USCC!, $input: UpdateEnterpriseInput!, $expectedRevision: Int) {\n  updateEnterprise(\n    uscc: $uscc\n    input: $input\n    expectedRevision: $expectedRevision\n  ) {\n    uscc\n    name\n    status\n    revision\n  }\n}\n\nquery Viewer {\n  viewer {\n    authenticated\n    scopes\n    system {\n      name\n    }\n    department {\n      code\n      name\n    }\n  }\n}\n\nquery Departments {\n  departments {\n    code\n    name\n    kind\n  }\n}": types.EnterpriseByUsccDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query EnterpriseByUscc($uscc: USCC!) {\n  enterprise(uscc: $uscc) {\n    uscc\n    name\n    status\n    street\n    legalRepresentative\n    legalRepresentativeIdNumber\n    contactPhone\n    registeredCapital\n    establishedOn\n    revision\n    registrationAuthority {\n      code\n      name\n      kind\n    }\n    source {\n      systemId\n      recordId\n      version\n    }\n  }\n}\n\nquery EnterprisePage($first: Int!, $after: String, $filter: EnterpriseFilter) {\n  enterprises(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        uscc\n        name\n        street\n        status\n        registrationAuthority {\n          name\n        }\n      }\n    }\n  }\n}\n\nmutation RegisterEnterprise($input: RegisterEnterpriseInput!) {\n  registerEnterprise(input: $input) {\n    uscc\n    name\n    revision\n    registrationAuthority {\n      code\n      name\n    }\n  }\n}\n\nmutation UpdateEnterprise($uscc: USCC!, $input: UpdateEnterpriseInput!, $expectedRevision: Int) {\n  updateEnterprise(\n    uscc: $uscc\n    input: $input\n    expectedRevision: $expectedRevision\n  ) {\n    uscc\n    name\n    status\n    revision\n  }\n}\n\nquery Viewer {\n  viewer {\n    authenticated\n    scopes\n    system {\n      name\n    }\n    department {\n      code\n      name\n    }\n  }\n}\n\nquery Departments {\n  departments {\n    code\n    name\n    kind\n  }\n}"): (typeof documents)["query EnterpriseByUscc($uscc: USCC!) {\n  enterprise(uscc: $uscc) {\n    uscc\n    name\n    status\n    street\n    legalRepresentative\n    legalRepresentativeIdNumber\n    contactPhone\n    registeredCapital\n    establishedOn\n    revision\n    registrationAuthority {\n      code\n      name\n      kind\n    }\n    source {\n      systemId\n      recordId\n      version\n    }\n  }\n}\n\nquery EnterprisePage($first: Int!, $after: String, $filter: EnterpriseFilter) {\n  enterprises(first: $first, after: $after, filter: $filter) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        uscc\n        name\n        street\n        status\n        registrationAuthority {\n          name\n        }\n      }\n    }\n  }\n}\n\nmutation RegisterEnterprise($input: RegisterEnterpriseInput!) {\n  registerEnterprise(input: $input) {\n    uscc\n    name\n    revision\n    registrationAuthority {\n      code\n      name\n    }\n  }\n}\n\nmutation UpdateEnterprise($uscc: USCC!, $input: UpdateEnterpriseInput!, $expectedRevision: Int) {\n  updateEnterprise(\n    uscc: $uscc\n    input: $input\n    expectedRevision: $expectedRevision\n  ) {\n    uscc\n    name\n    status\n    revision\n  }\n}\n\nquery Viewer {\n  viewer {\n    authenticated\n    scopes\n    system {\n      name\n    }\n    department {\n      code\n      name\n    }\n  }\n}\n\nquery Departments {\n  departments {\n    code\n    name\n    kind\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;