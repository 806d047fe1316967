// A typed, synchronous notice board: the store that owns a fact announces it, the stores that
// care subscribe. The publisher never learns who listens, so the dependency points one way.

/** Subscribes to one kind of notice; returns the unsubscribe function. */
export type Subscribe<M> = <K extends keyof M>(name: K, fn: (value: M[K]) => void) => () => void;

/** `M` maps each notice name to the value it carries. */
export class Hub<M> {
  private listeners = new Map<keyof M, Set<(value: never) => void>>();

  on: Subscribe<M> = (name, fn) => {
    const set = this.listeners.get(name) ?? new Set();
    set.add(fn);
    this.listeners.set(name, set);
    return () => void set.delete(fn);
  };

  emit<K extends keyof M>(name: K, value: M[K]): void {
    // A copy: a listener that unsubscribes while being called must not skip the next one.
    for (const fn of [...(this.listeners.get(name) ?? [])]) (fn as (v: M[K]) => void)(value);
  }
}
