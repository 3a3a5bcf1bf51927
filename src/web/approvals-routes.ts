/**
 * Public pages of the approval workflow: item guides, printable receipts, progress lookup.
 */
import type { ApolloServer } from '@apollo/server';
import express, { type Router } from 'express';
import type { GatewayContext } from '../gateway/context.js';
import type { Platform } from '../platform/context.js';

export function approvalsRoutes(
  platform: Platform,
  apollo: ApolloServer<GatewayContext>,
  publicContext: () => GatewayContext,
): Router {
  void platform;
  void apollo;
  void publicContext;
  return express.Router();
}
