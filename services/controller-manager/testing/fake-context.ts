import { pino } from 'pino';
import { afterEach, beforeEach } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import { useFakeApiServer, type FakeApi } from '../../../lib/client/testing/fake-api-per-test.js';
import { EventRecorder } from '../../../lib/events/event-recorder.js';
import { SharedInformerFactory } from '../../../lib/informer/shared-informer-factory.js';
import { pollUntil } from '../../../test/harness/poll.js';
import type { Controller, ControllerContext } from '../common/controller.js';

/** A controller context for tests: its own informer factory on the given client, silent logs, a settable clock. */
class TestContext implements ControllerContext {
  readonly informers: SharedInformerFactory;
  readonly log = pino({ level: process.env.KUBETS_TEST_LOG ?? 'silent' });
  /** Added to the real clock, so tests can move time forward. */
  clockOffsetMs = 0;
  private readonly recorders: EventRecorder[] = [];
  private readonly stopping = new AbortController();
  private readonly running: Promise<void>[] = [];

  constructor(readonly client: ApiClient) {
    this.informers = new SharedInformerFactory(client);
  }

  recorder(component: string): EventRecorder {
    const r = new EventRecorder({ client: this.client, component, host: 'test' });
    this.recorders.push(r);
    return r;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Starts the informers, waits for their first lists, then runs the controllers in the background. */
  async start(...controllers: Controller[]): Promise<void> {
    this.informers.start(this.stopping.signal);
    if (!(await this.informers.waitForSync(this.stopping.signal))) throw new Error('informers did not sync');
    for (const c of controllers) this.running.push(c.run(this.stopping.signal));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.running);
    await this.informers.stop();
    await Promise.all(this.recorders.map((r) => r.flush()));
  }
}

interface ControllerTestEnv extends FakeApi {
  ctx: TestContext;
}

/**
 * A fake apiserver, a client of it and a TestContext on that client, fresh for each test of the
 * calling suite; after each test the context stops first, then the client and the server. Read
 * the fields inside the tests. Hooks the suite adds after this call run inside it (vitest's
 * default "stack" hook order).
 */
export function useControllerTestEnv(): ControllerTestEnv {
  const env = useFakeApiServer() as ControllerTestEnv;
  beforeEach(() => {
    env.ctx = new TestContext(env.client);
  });
  afterEach(() => env.ctx.stop());
  return env;
}

/** Polls until check returns a value other than undefined/false; bounded by timeoutMs. */
export function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  return pollUntil(check, { timeoutMs, intervalMs: 20, what });
}
