import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { LOCAL_PATH_PROVISIONER, LOCAL_PATH_STORAGE_CLASS } from '../../lib/storage/annotations.js';
import { DEFAULT_STORAGE_CLASS_ANNOTATION } from '../../lib/storage/classes.js';
import type { ClusterFiles } from './cluster-files.js';
import { createIfMissing } from './create-if-missing.js';

// A local cluster has storage out of the box, as k3s does: the default class `local-path`, whose
// claims the controller manager's provisioner backs with a directory of the node the claim's
// first pod is scheduled to (WaitForFirstConsumer), removed with the claim (Delete).

export async function ensureDefaultStorageClass(files: ClusterFiles): Promise<void> {
  const client = ApiClient.fromConfig(await loadClientConfig({ path: files.configs.admin, env: {} }));
  try {
    await createIfMissing(() =>
      client.resource('storageClass').create({
        metadata: { name: LOCAL_PATH_STORAGE_CLASS, annotations: { [DEFAULT_STORAGE_CLASS_ANNOTATION]: 'true' } },
        provisioner: LOCAL_PATH_PROVISIONER,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
      }),
    );
  } finally {
    client.close();
  }
}
