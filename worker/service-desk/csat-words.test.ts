import { describe, expect, it } from 'vitest';
import { DEFAULT_CSAT } from '../schemas/service-desk';
import { parseRating, surveyList, surveyText } from './csat-words';

const labels = DEFAULT_CSAT.labels;

describe('parseRating', () => {
  it('reads a digit, with the usual words around it', () => {
    for (const [reply, n] of [
      ['5', 5],
      [' 1 ', 1],
      ['4.', 4],
      ['3!', 3],
      ['5️⃣', 5],
      ['nota 4', 4],
      ['Nota: 2', 2],
      ['minha nota é 5', 5],
      ['dou 3', 3],
      ['5 estrelas', 5],
      ['1 estrela', 1],
      ['4 de 5', 4],
      ['4/5', 4],
      ['5 - Excelente', 5],
    ] as const) {
      expect(parseRating(reply, null, labels), reply).toBe(n);
    }
  });

  it('reads stars and the labels themselves', () => {
    expect(parseRating('⭐⭐⭐⭐', null, labels)).toBe(4);
    expect(parseRating('★ ★', null, labels)).toBe(2);
    expect(parseRating('Excelente', null, labels)).toBe(5);
    expect(parseRating('muito ruim', null, labels)).toBe(1);
    expect(parseRating('bom', null, labels)).toBe(4);
  });

  it('a tapped row wins over its title', () => {
    expect(parseRating('5 - Excelente', 'csat:3', labels)).toBe(3);
    expect(parseRating('Vendas', 'menu:1', labels)).toBeNull();
  });

  it('anything else is no rating', () => {
    for (const reply of ['0', '6', '10', '55', '5 minutos e nada', 'oi, preciso de ajuda de novo', '4 - Ruim', '⭐⭐⭐⭐⭐⭐', '', 'nota', 'bom dia']) {
      expect(parseRating(reply, null, labels), reply).toBeNull();
    }
    expect(parseRating(null, null, labels)).toBeNull();
  });
});

describe('the question', () => {
  it('is a list of five rows on Meta, numbered text elsewhere', () => {
    const list = surveyList(DEFAULT_CSAT) as any;
    expect(list.type).toBe('list');
    expect(list.body.text).toBe(DEFAULT_CSAT.question);
    expect(list.action.sections[0].rows).toEqual([
      { id: 'csat:5', title: '5 - Excelente' },
      { id: 'csat:4', title: '4 - Bom' },
      { id: 'csat:3', title: '3 - Regular' },
      { id: 'csat:2', title: '2 - Ruim' },
      { id: 'csat:1', title: '1 - Muito ruim' },
    ]);
    expect(surveyText(DEFAULT_CSAT)).toBe(`${DEFAULT_CSAT.question}\n\n*5* - Excelente\n*4* - Bom\n*3* - Regular\n*2* - Ruim\n*1* - Muito ruim`);
  });
});
