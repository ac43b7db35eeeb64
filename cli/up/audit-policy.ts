import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The audit policy of a local cluster: who did what, at Metadata level, without the noise of
 * probes, events and lease reads, and never the contents of what may hold secrets. Written once
 * into the data directory, where it may be edited; `up` keeps an edited one.
 */
export const DEFAULT_AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  # Probes ask all the time.
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"]
  # The dashboard's files hold no data and are read without credentials.
  - level: None
    nonResourceURLs: ["/dashboard*"]
  # Events are a record of their own.
  - level: None
    resources: [{group: "", resources: ["events"]}]
  # Leader election and node heartbeats read their leases every few seconds.
  - level: None
    verbs: ["get", "list", "watch"]
    resources: [{group: "coordination.k8s.io", resources: ["leases"]}]
  # What may hold secrets: metadata only, whatever a later rule says.
  - level: Metadata
    resources: [{group: "", resources: ["secrets", "configmaps"]}, {group: "authentication.k8s.io", resources: ["tokenreviews"]}]
  - level: Metadata
`;

export async function ensureAuditPolicy(dataDir: string): Promise<string> {
  const path = join(dataDir, 'audit-policy.yaml');
  if (!existsSync(path)) await writeFile(path, DEFAULT_AUDIT_POLICY, { mode: 0o600 });
  return path;
}
