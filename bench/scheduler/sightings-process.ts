import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { watchBindings } from './sightings.js';

// The bench's watch in a process of its own, whose event loop nothing else keeps busy: how late a
// pod reaches a watcher without the bench's own creates in the way. Arguments: client config,
// namespace, resourceVersion, pod names (comma-separated), timeout in ms. Sends 'watching' once
// connected, then the sightings, over the IPC channel.

const [config, namespace, resourceVersion, names, timeoutMs] = process.argv.slice(2);
const client = ApiClient.fromConfig(await loadClientConfig({ path: config!, env: {} }), { deadlineMs: 60_000 });
await client.resource('pod').list(namespace!, { limit: 1 });
const sightings = watchBindings(client, namespace!, new Set(names!.split(',')), resourceVersion!, Number(timeoutMs));
process.send!('watching');
const seen = await sightings;
process.send!({ added: [...seen.added], bound: [...seen.bound] }, () => {
  client.close();
  process.exit(0);
});
