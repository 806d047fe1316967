/**
 * Runs fn at the next animation frame, or after 100 ms if no frame comes: a hidden or
 * minimised window may never paint, and streamed text must not wait for it forever.
 */
export function nextFrame(fn: () => void): void {
  let ran = false;
  const run = () => {
    if (ran) return;
    ran = true;
    fn();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  setTimeout(run, 100);
}
