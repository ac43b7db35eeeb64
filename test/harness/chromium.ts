import { createHash, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:tls';
import puppeteer, { type Browser } from 'puppeteer-core';

// Debian's Chromium, driven headless by puppeteer-core (which downloads no browser). The cluster
// serves HTTPS with a certificate of its own CA, which Chromium does not know: the test checks
// the certificate against that CA itself, then tells Chromium to accept that one key only
// (--ignore-certificate-errors-spki-list), rather than every certificate. Every address but
// loopback goes to a dead proxy on loopback, so the browser cannot reach beyond the machine.

export const CHROMIUM = '/usr/bin/chromium';

/** The SHA-256 of the public key the server at `url` presents, after checking its certificate against `caPem`. */
function servingKeyPin(url: string, caPem: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: caPem, servername: hostname === '127.0.0.1' ? undefined : hostname }, () => {
      const cert = new X509Certificate(socket.getPeerCertificate().raw);
      socket.end();
      resolve(createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'));
    });
    socket.on('error', reject);
  });
}

export async function launchChromium(url: string, caPem: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (scripts/setup-host.sh does)`);
  const pin = await servingKeyPin(url, caPem);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No sandbox: the tests run as root, where Chromium refuses its setuid sandbox.
    args: [
      '--no-sandbox', `--ignore-certificate-errors-spki-list=${pin}`,
      '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
    ],
  });
}
