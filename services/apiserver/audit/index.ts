export { Auditor, type FinishedRequest } from './auditor.js';
export { AuditLogWriter, type AuditLogOptions } from './log-writer.js';
export { auditLevelFor, loadAuditPolicy, parseAuditPolicy, type AuditPolicy } from './policy.js';
