// An image reference as Docker's distribution/reference grammar reads it: an optional registry
// host (with port), slash-separated lower-case path components, an optional tag and digest.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

/**
 * Kubernetes' default imagePullPolicy: Always when the image is `:latest` or names neither a tag
 * nor a digest (which means latest), IfNotPresent otherwise, including for references that do
 * not parse (validation or the runtime reports those).
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const match = REFERENCE.exec(image);
  if (!match) return 'IfNotPresent';
  const tag = match[1];
  const digest = match[2];
  if (tag === 'latest' || (tag === undefined && digest === undefined)) return 'Always';
  return 'IfNotPresent';
}
