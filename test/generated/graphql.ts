/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What kind of body a department is. */
export type DepartmentKind =
  | 'APPROVAL_CENTRE'
  | 'COMMUNITY_STATION'
  | 'ECOLOGY_ENVIRONMENT'
  | 'FIRE_RESCUE'
  | 'HEALTH'
  | 'HOUSING_CONSTRUCTION'
  | 'LAW_ENFORCEMENT'
  | 'MARKET_REGULATION'
  | 'OTHER'
  | 'STREET_OFFICE';

export type EnterpriseFilter = {
  /** Part of the name (case-insensitive). */
  name?: string | null | undefined;
  /** Code of the registration authority. */
  registrationAuthority?: string | null | undefined;
  status?: EnterpriseStatus | null | undefined;
  /** Exact street name. */
  street?: string | null | undefined;
};

/** ACTIVE 存续, REVOKED 吊销, CANCELLED 注销, MOVED_OUT 迁出. */
export type EnterpriseStatus =
  | 'ACTIVE'
  | 'CANCELLED'
  | 'MOVED_OUT'
  | 'REVOKED';

export type EnterpriseType =
  | 'BRANCH'
  | 'FARMERS_COOPERATIVE'
  | 'FOREIGN_INVESTED'
  | 'INDIVIDUAL_BUSINESS'
  | 'JOINT_STOCK_COMPANY'
  | 'LIMITED_LIABILITY_COMPANY'
  | 'OTHER'
  | 'PARTNERSHIP'
  | 'SOLE_PROPRIETORSHIP';

export type RegisterEnterpriseInput = {
  address: string;
  businessScope: string;
  contactPhone?: string | null | undefined;
  establishedOn: string;
  legalRepresentative: string;
  legalRepresentativeIdNumber: string;
  name: string;
  registeredCapital: string;
  registrationAuthorityCode: string;
  /** The record's id in the calling system (default: the USCC). */
  sourceRecordId?: string | null | undefined;
  /** The record's version in the calling system (default 1). */
  sourceVersion?: number | null | undefined;
  status?: EnterpriseStatus | null | undefined;
  street: string;
  type: EnterpriseType;
  uscc: string;
};

export type UpdateEnterpriseInput = {
  address?: string | null | undefined;
  businessScope?: string | null | undefined;
  contactPhone?: string | null | undefined;
  establishedOn?: string | null | undefined;
  legalRepresentative?: string | null | undefined;
  legalRepresentativeIdNumber?: string | null | undefined;
  name?: string | null | undefined;
  registeredCapital?: string | null | undefined;
  registrationAuthorityCode?: string | null | undefined;
  status?: EnterpriseStatus | null | undefined;
  street?: string | null | undefined;
  type?: EnterpriseType | null | undefined;
};

export type EnterpriseByUsccQueryVariables = Exact<{
  uscc: string;
}>;


export type EnterpriseByUsccQuery = { enterprise: { uscc: string, name: string, status: EnterpriseStatus, street: string, legalRepresentative: string, legalRepresentativeIdNumber: string, contactPhone: string | null, registeredCapital: string, establishedOn: string, revision: number, registrationAuthority: { code: string, name: string, kind: DepartmentKind }, source: { systemId: string, recordId: string | null, version: number | null } | null } | null };

export type EnterprisePageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: EnterpriseFilter | null | undefined;
}>;


export type EnterprisePageQuery = { enterprises: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { uscc: string, name: string, street: string, status: EnterpriseStatus, registrationAuthority: { name: string } } }> } };

export type RegisterEnterpriseMutationVariables = Exact<{
  input: RegisterEnterpriseInput;
}>;


export type RegisterEnterpriseMutation = { registerEnterprise: { uscc: string, name: string, revision: number, registrationAuthority: { code: string, name: string } } };

export type UpdateEnterpriseMutationVariables = Exact<{
  uscc: string;
  input: UpdateEnterpriseInput;
  expectedRevision?: number | null | undefined;
}>;


export type UpdateEnterpriseMutation = { updateEnterprise: { uscc: string, name: string, status: EnterpriseStatus, revision: number } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { authenticated: boolean, scopes: Array<string>, system: { name: string } | null, department: { code: string, name: string } | null } };

export type DepartmentsQueryVariables = Exact<{ [key: string]: never; }>;


export type DepartmentsQuery = { departments: Array<{ code: string, name: string, kind: DepartmentKind }> };


export const EnterpriseByUsccDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EnterpriseByUscc"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"uscc"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"USCC"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enterprise"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"uscc"},"value":{"kind":"Variable","name":{"kind":"Name","value":"uscc"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uscc"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"street"}},{"kind":"Field","name":{"kind":"Name","value":"legalRepresentative"}},{"kind":"Field","name":{"kind":"Name","value":"legalRepresentativeIdNumber"}},{"kind":"Field","name":{"kind":"Name","value":"contactPhone"}},{"kind":"Field","name":{"kind":"Name","value":"registeredCapital"}},{"kind":"Field","name":{"kind":"Name","value":"establishedOn"}},{"kind":"Field","name":{"kind":"Name","value":"revision"}},{"kind":"Field","name":{"kind":"Name","value":"registrationAuthority"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"systemId"}},{"kind":"Field","name":{"kind":"Name","value":"recordId"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<EnterpriseByUsccQuery, EnterpriseByUsccQueryVariables>;
export const EnterprisePageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EnterprisePage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EnterpriseFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enterprises"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uscc"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"street"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"registrationAuthority"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<EnterprisePageQuery, EnterprisePageQueryVariables>;
export const RegisterEnterpriseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterEnterprise"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterEnterpriseInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerEnterprise"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uscc"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"revision"}},{"kind":"Field","name":{"kind":"Name","value":"registrationAuthority"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterEnterpriseMutation, RegisterEnterpriseMutationVariables>;
export const UpdateEnterpriseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateEnterprise"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"uscc"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"USCC"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateEnterpriseInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedRevision"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateEnterprise"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"uscc"},"value":{"kind":"Variable","name":{"kind":"Name","value":"uscc"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"expectedRevision"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedRevision"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uscc"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"revision"}}]}}]}}]} as unknown as DocumentNode<UpdateEnterpriseMutation, UpdateEnterpriseMutationVariables>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"authenticated"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"system"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"department"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const DepartmentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Departments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"departments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<DepartmentsQuery, DepartmentsQueryVariables>;