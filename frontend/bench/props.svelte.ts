// Svelte 5 reactive props for the mounted component (a plain object passed to mount() is not reactive).
export interface MdProps {
  text: string;
  streaming: boolean;
  caret: boolean;
}

export function reactiveProps(init: MdProps): MdProps {
  const props = $state(init);
  return props;
}
