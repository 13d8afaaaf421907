/** A sleep that a wake-up ends early; a wake-up while awake makes the next sleep return at once. */
export class Waker {
  #woken = false;
  #wakeUp: (() => void) | undefined;

  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /** Forgets wake-ups so far: call it just before looking for work, so a wake-up after that is not lost. */
  clear(): void {
    this.#woken = false;
  }

  sleep(ms: number): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#wakeUp = done;
    });
  }
}
