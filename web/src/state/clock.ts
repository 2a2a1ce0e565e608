// A coarse clock for relative times and the 24 h window: components that read `now.value` re-render each tick.
import { signal } from '@preact/signals';

export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 20_000);
