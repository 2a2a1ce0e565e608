import { describe, expect, it } from 'vitest';
import { DEFAULT_CSAT } from '../schemas/service-desk';
import { surveyAnswers, type OpenSurvey } from './csat';

const survey = (rated = false): OpenSurvey => ({ id: 's', conversationId: 'c', rated, labels: DEFAULT_CSAT.labels });
const says = (body: string, kind = 'text') => ({ aside: false, reply: { kind, body, payload: {} } });
const echo = (body: string) => ({ aside: true, reply: { kind: 'text', body, payload: {} } });
const kinds = (r: ReturnType<typeof surveyAnswers>, turn: object[]) => turn.map((m) => (r.answers.has(m as never) ? r.answers.get(m as never) : 'normal'));

describe('surveyAnswers', () => {
  it('a rating, then one comment; what follows is an ordinary message', () => {
    const turn = [says('5'), says('Muito bom'), says('Outra pergunta')];
    const r = surveyAnswers(survey(), turn);
    expect(kinds(r, turn)).toEqual(['rating', 'comment', 'normal']);
    expect(r).toMatchObject({ rating: 5, comment: 'Muito bom', closes: false });
  });

  it('a tapped row is the rating', () => {
    const turn = [{ aside: false, reply: { kind: 'interactive', body: '4 - Bom', payload: { interactive: { list_reply: { id: 'csat:4' } } } } }];
    expect(surveyAnswers(survey(), turn)).toMatchObject({ rating: 4, closes: false });
  });

  it('anything else ends it, and so does a photo where a comment was asked for', () => {
    const first = [says('Cadê meu pedido?'), says('5')];
    const r = surveyAnswers(survey(), first);
    expect(kinds(r, first)).toEqual(['normal', 'normal']);
    expect(r).toMatchObject({ rating: null, closes: true });
    const photo = [says('', 'image')];
    expect(surveyAnswers(survey(true), photo)).toMatchObject({ comment: null, closes: true });
  });

  it('our own echoes stay with the survey without answering it', () => {
    const turn = [echo('Como você avalia…'), says('3')];
    const r = surveyAnswers(survey(), turn);
    expect(kinds(r, turn)).toEqual([null, 'rating']);
    expect(r.rating).toBe(3);
  });
});
