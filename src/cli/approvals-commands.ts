/**
 * `hub` commands of the approval workflow (catalogue import, demo cases, ...).
 */
import type { Command } from 'commander';

export function registerApprovalCommands(program: Command): void {
  void program;
}
