// The demo business the fake starts with in dev: the number scripts/dev.ts seeds as the demo tenant's channel, with
// Meta's hello_world template and two Portuguese ones Conversa can re-engage customers with.
import type { FakeMeta } from './index';

export const DEMO_NUMBER = {
  phoneNumberId: '100000000000001',
  wabaId: '200000000000001',
  displayPhoneNumber: '+55 11 4000-0001',
  accessToken: 'dev-meta-access-token',
  verifiedName: 'Loja Demo',
} as const;

export function seedDemo(fake: FakeMeta): void {
  fake.registerNumber(DEMO_NUMBER);
  const wabaId = DEMO_NUMBER.wabaId;
  fake.addTemplate({
    wabaId, name: 'hello_world', language: 'en_US', category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  });
  fake.addTemplate({
    wabaId, name: 'retomar_atendimento', language: 'pt_BR', category: 'UTILITY',
    components: [
      { type: 'BODY', text: 'Olá, {{1}}! Aqui é a {{2}}. Podemos continuar o seu atendimento?', example: { body_text: [['Maria', 'Loja Demo']] } },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Sim, por favor' }, { type: 'QUICK_REPLY', text: 'Agora não' }] },
    ],
  });
  fake.addTemplate({
    wabaId, name: 'pedido_enviado', language: 'pt_BR', category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Pedido a caminho 🚚' },
      { type: 'BODY', text: 'Olá, {{1}}! Seu pedido {{2}} foi enviado e chega até {{3}}.', example: { body_text: [['Maria', '#1234', 'sexta-feira']] } },
      { type: 'FOOTER', text: 'Responda esta mensagem se precisar de ajuda.' },
    ],
  });
}
