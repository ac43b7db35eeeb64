/**
 * A pass (a directory scan, a sync against the API) that is never run twice at once: a request
 * while a pass runs asks for exactly one more pass after it, however many requests come, and
 * resolves with that. Used where events can ask for work faster than it finishes.
 */
export class CoalescedPass {
  readonly #pass: () => Promise<void>;
  readonly #mayRepeat: () => boolean;
  #running: Promise<void> | undefined;
  #again = false;

  /** mayRepeat is asked before a requested extra pass (false once the owner stops). */
  constructor(pass: () => Promise<void>, mayRepeat: () => boolean = () => true) {
    this.#pass = pass;
    this.#mayRepeat = mayRepeat;
  }

  run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again && this.#mayRepeat());
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }
}
