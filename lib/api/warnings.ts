// Warnings the apiserver sends with an answer that succeeded (a pod that would violate the
// namespace's warn level, a namespace whose pods violate its new level), as Kubernetes does:
// `Warning: 299 - "text"` headers over HTTP; over gRPC, one `warning-bin` trailer value per
// warning (binary, UTF-8: HTTP/2 joins repeated text values with ", ", which warnings contain).

export const WARNING_METADATA = 'warning-bin';

/** RFC 7234 warn-code 299 ("miscellaneous persistent warning") with agent "-", as kube-apiserver writes it. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
