import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Auditor, AuditLogWriter, parseAuditPolicy, type FinishedRequest } from '../../services/apiserver/audit/index.js';
import { newRequestScope } from '../../services/apiserver/request-scope.js';
import { printResult } from '../harness/report.js';

// The apiserver's own cost of one audit event at Metadata level, in process: building the event for
// a ConfigMap create as an RBAC-authorized user makes it (annotations included), serialising it and
// appending it to the log file, per event, over batches of 50,000. The end-to-end comparison
// (apiserver-audit-creates) needs two apiservers, and two identical ones differ by more than this.

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 50_000);
const BATCHES = 3;

function createRequest(i: number): FinishedRequest {
  const user = { name: 'system:kube-scheduler', groups: ['system:authenticated'] };
  return {
    scope: {
      ...newRequestScope(),
      user,
      attributes: { user: { ...user, uid: '' }, verb: 'create', resourceRequest: true, apiGroup: '', resource: 'configmaps', subresource: '', namespace: 'default', name: '', path: '' },
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by RoleBinding "bench-edit/default" of ClusterRole "edit" to User "system:kube-scheduler"' },
      requestObject: { metadata: { name: `cm-${i}`, namespace: 'default' }, data: { payload: 'x'.repeat(256) } },
    },
    receivedAt: new Date(),
    method: 'Create',
    sourceIP: '127.0.0.1',
    userAgent: 'kubets/0.1',
    code: 201,
  };
}

export async function benchAuditEventCost(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-bench-audit-'));
  const policy = parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'], rules: [{ level: 'Metadata' }] }, 'bench');
  const writer = new AuditLogWriter({ path: join(dir, 'audit.log'), maxSizeMB: 0, maxBackups: 0, maxBufferedEvents: EVENTS, log: pino({ level: 'silent' }) });
  const auditor = new Auditor(policy, writer);
  const cpuMicrosPerEvent: number[] = [];
  try {
    for (let batch = 0; batch < BATCHES; batch++) {
      await writer.open();
      const start = process.cpuUsage();
      for (let i = 0; i < EVENTS; i++) auditor.record(createRequest(i));
      await writer.close();
      const used = process.cpuUsage(start);
      cpuMicrosPerEvent.push(Number(((used.user + used.system) / EVENTS).toFixed(1)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printResult('apiserver-audit-event-cost', { events: EVENTS, batches: BATCHES, cpuMicrosPerEvent });
}
