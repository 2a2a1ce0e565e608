// Strings of the CRM screens (contacts, deals board). Portuguese (Brazil) first.

export const ptBR = {} as const;

export const en: Record<keyof typeof ptBR, string> = {};
