// A message the contacts list shows once after another screen sent the user there (an erased contact).
import { signal } from '@preact/signals';

export const contactsNotice = signal<string | null>(null);
