// Strings of the inbox additions (labels, search, reactions, contact panel) and the canned-responses/labels settings. Portuguese (Brazil) first.

export const ptBR = {} as const;

export const en: Record<keyof typeof ptBR, string> = {};
