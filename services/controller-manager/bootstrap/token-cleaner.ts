import { isApiError } from '../../../lib/api/errors.js';
import type { Secret } from '../../../lib/api/generated/index.js';
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, secretText, tokenExpiry } from '../../../lib/auth/bootstrap-token.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { onAddOrUpdate, QueueController, type HandlerRegistration } from '../common/queue-controller.js';

/**
 * Kubernetes' tokencleaner: deletes the Secret of a bootstrap token once its expiration has passed
 * (a token that expires later is looked at again then). The apiserver already refuses an expired
 * token; this only keeps kube-system tidy. Keys are Secret names in kube-system.
 */
export class TokenCleaner extends QueueController {
  private readonly secrets: Informer<Secret>;

  constructor(
    ctx: ControllerContext,
    private readonly now: () => number = Date.now,
  ) {
    super('tokencleaner', ctx, { workers: 1 });
    this.secrets = ctx.informers.informerFor('secret');
  }

  protected handlers(): HandlerRegistration[] {
    return [
      () =>
        this.secrets.addEventHandler(
          onAddOrUpdate((s) => {
            if (s.metadata?.namespace === BOOTSTRAP_TOKEN_NAMESPACE && s.type === BOOTSTRAP_TOKEN_SECRET_TYPE) this.queue.add(s.metadata.name ?? '');
          }),
        ),
    ];
  }

  async sync(name: string): Promise<void> {
    const secret = this.secrets.store.get(`${BOOTSTRAP_TOKEN_NAMESPACE}/${name}`);
    if (!secret || secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata?.deletionTimestamp) return;
    const expiry = tokenExpiry(secretText(secret));
    if (expiry === undefined) return;
    const left = Number.isNaN(expiry) ? 0 : expiry - this.now();
    if (left > 0) {
      this.queue.addAfter(name, left);
      return;
    }
    this.log.info({ secret: name }, 'deleting expired bootstrap token');
    try {
      await this.ctx.client.resource('secret').delete(BOOTSTRAP_TOKEN_NAMESPACE, name, { preconditions: { uid: secret.metadata?.uid ?? '' } });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}
