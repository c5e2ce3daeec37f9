import type { Command } from 'commander';

/** Registers the `consortia k8s ...` commands. */
export function registerK8s(_program: Command): void {
  // The Kubernetes commands are registered here.
}
