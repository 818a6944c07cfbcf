/** Time comes in through this, so tests can move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: Date | number = Date.now()) {
    this.#now = typeof start === "number" ? start : start.getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(seconds: number): void {
    this.#now += seconds * 1000;
  }
  set(at: Date | number): void {
    this.#now = typeof at === "number" ? at : at.getTime();
  }
}
