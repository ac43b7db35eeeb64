import { lazyPackage } from '../lazy-package.js';

// @peculiar/x509 brings asn1js, tsyringe, reflect-metadata and a dozen ASN.1 schema packages:
// about 2 MB of a process' heap. It is needed to make a certificate or a request and to read one,
// which most processes importing lib/certs rarely or never do (an apiserver starts with its
// certificates on disk and checks them with node:crypto), so it loads on first use.
const reflectMetadata = lazyPackage<unknown>('reflect-metadata');
const peculiar = lazyPackage<typeof import('@peculiar/x509')>('@peculiar/x509');

export function loadX509(): typeof import('@peculiar/x509') {
  // Its internals are resolved through tsyringe, which needs the Reflect metadata API first.
  reflectMetadata();
  return peculiar();
}
