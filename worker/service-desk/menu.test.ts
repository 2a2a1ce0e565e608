import { describe, expect, it } from 'vitest';
import { DEFAULT_BOT, type BotConfig } from '../schemas/service-desk';
import { interactiveMenu, matchReply, numberedText, optionsAt } from './menu';

const SALES = crypto.randomUUID();
const SUPPORT = crypto.randomUUID();
const BILLING = crypto.randomUUID();
const options = [
  { label: 'Vendas', departmentId: SALES },
  { label: 'Suporte técnico', departmentId: SUPPORT },
  { label: 'Financeiro', departmentId: BILLING },
];

describe('menu bot: reading the reply', () => {
  it.each([
    ['2', 1],
    [' 2 ', 1],
    ['2.', 1],
    ['3 - financeiro', 2],
    ['opção 1', 0],
    ['Vendas', 0],
    ['VENDAS!', 0],
    ['suporte', 1],
    ['Suporte Tecnico', 1],
    ['quero falar com o financeiro', 2],
    ['financ', 2],
  ])('%j → option %i', (text, expected) => {
    expect(matchReply(options, text)).toBe(expected);
  });

  it.each([['4'], ['0'], ['oi'], ['bom dia, tudo bem?'], [''], ['??'], ['12']])('%j → not an option', (text) => {
    expect(matchReply(options, text)).toBeNull();
  });

  it('a tapped button or list row is taken by its id, whatever its title says', () => {
    expect(matchReply(options, 'Outra coisa', 'menu:2')).toBe(2);
    expect(matchReply(options, null, 'menu:0')).toBe(0);
    expect(matchReply(options, 'Vendas', 'menu:9')).toBeNull();
  });

  it('an ambiguous word picks nothing rather than a guess', () => {
    const two = [
      { label: 'Suporte técnico', departmentId: SUPPORT },
      { label: 'Suporte financeiro', departmentId: BILLING },
    ];
    expect(matchReply(two, 'suporte')).toBeNull();
    expect(matchReply(two, 'suporte financeiro')).toBe(1);
  });
});

describe('menu bot: showing the menu', () => {
  it('numbered text for every channel', () => {
    expect(numberedText('Olá!', options)).toBe('Olá!\n\n*1* - Vendas\n*2* - Suporte técnico\n*3* - Financeiro\n\nResponda com o número da opção.');
  });

  it('reply buttons for up to 3 short options, a list for up to 10, nothing interactive beyond', () => {
    expect(interactiveMenu('Olá!', options)).toMatchObject({
      type: 'button',
      body: { text: 'Olá!' },
      action: { buttons: [{ type: 'reply', reply: { id: 'menu:0', title: 'Vendas' } }, { reply: { id: 'menu:1' } }, { reply: { id: 'menu:2' } }] },
    });
    const four = [...options, { label: 'Trocas e devoluções', departmentId: SALES }];
    expect(interactiveMenu('Olá!', four)).toMatchObject({ type: 'list', action: { button: 'Ver opções', sections: [{ rows: [{ id: 'menu:0' }, {}, {}, { id: 'menu:3', title: 'Trocas e devoluções' }] }] } });
    const long = [{ label: 'Um rótulo com mais de vinte e quatro letras', departmentId: SALES }];
    expect(interactiveMenu('Olá!', long)).toBeNull();
  });

  it('a sub-menu one level deep', () => {
    const bot: BotConfig = { ...DEFAULT_BOT, enabled: true, options: [{ label: 'Vendas', options: [{ label: 'Loja', departmentId: SALES }, { label: 'Atacado', departmentId: BILLING }] }, options[1]!] };
    expect(optionsAt(bot, { menu: 'root', attempts: 0 }).map((o) => o.label)).toEqual(['Vendas', 'Suporte técnico']);
    expect(optionsAt(bot, { menu: 0, attempts: 0 }).map((o) => o.label)).toEqual(['Loja', 'Atacado']);
  });
});
