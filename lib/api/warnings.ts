// Warnings the apiserver sends with an answer that succeeded (a pod that would violate the
// namespace's warn level, a namespace whose pods violate its new level), as Kubernetes does:
// `Warning: 299 - "text"` headers over HTTP; over gRPC, one `warning` trailer per warning.

export const WARNING_METADATA = 'warning';

/** RFC 7234 warn-code 299 ("miscellaneous persistent warning") with agent "-", as kube-apiserver writes it. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Metadata values must be printable ASCII: anything else becomes "?". */
export function warningMetadataValue(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
