// Vitest project for the Kubernetes manifests: committed k8s/ equals a fresh generation, every object
// passes its API schema, kustomize builds every folder, and the manifests agree with compose, alerts/,
// the dashboards and what the services serve.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'k8s',
    include: ['test/**/*.test.ts'],
  },
});
