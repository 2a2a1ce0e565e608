// Meta error codes → a reason an agent can read (Portuguese first: the product's first market is Brazil) and whether
// the outbound consumer should retry. Codes: https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
// Retryable = temporary on Meta's side or a throughput limit (back off and resend). Not retryable = resending the
// same request cannot succeed (closed 24 h window, undeliverable, auth, template, policy) or would hurt the number's
// quality (spam/marketing limits). Unknown codes are not retried: hammering Meta is worse than a visible failure.

export interface ErrorReason {
  code: number;
  title: string;
  reason: string;
  retryable: boolean;
}

type Known = readonly [title: string, reason: string, retryable: boolean];

const TEMPORARY = 'Erro temporário na Meta; o envio será tentado novamente.';
const RATE_LIMIT = 'Limite de envio da Meta atingido; o envio será tentado novamente em instantes.';
const RECONNECT = 'Reconecte o canal do WhatsApp nas configurações.';
const TEMPLATE = 'Revise o modelo (template) no WhatsApp Manager.';

const KNOWN: Record<number, Known> = {
  // Authorisation
  0: ['AuthException', `Falha de autenticação com a Meta. ${RECONNECT}`, false],
  3: ['API Method', 'O aplicativo não tem permissão para esta operação na Meta.', false],
  10: ['Permission Denied', `Permissão negada pela Meta. ${RECONNECT}`, false],
  190: ['Access token has expired', `Token de acesso do canal expirado ou inválido. ${RECONNECT}`, false],
  // Temporary
  1: ['API Unknown', TEMPORARY, true],
  2: ['API Service', TEMPORARY, true],
  131000: ['Something went wrong', TEMPORARY, true],
  131016: ['Service unavailable', TEMPORARY, true],
  131057: ['Account in maintenance mode', 'Conta do WhatsApp em manutenção na Meta; o envio será tentado novamente.', true],
  // Throughput limits
  4: ['API Too Many Calls', RATE_LIMIT, true],
  80007: ['Rate limit issues', RATE_LIMIT, true],
  130429: ['Rate limit hit', RATE_LIMIT, true],
  131056: [
    '(Business, Consumer) pair rate limit hit',
    'Muitas mensagens seguidas para este cliente; o envio será tentado novamente em instantes.',
    true,
  ],
  // Window, recipient and policy
  470: [
    'Message failed to send because more than 24 hours have passed',
    'Janela de 24 horas encerrada (código antigo): envie um modelo (template) aprovado.',
    false,
  ],
  131047: [
    'Re-engagement message',
    'Janela de 24 horas encerrada: o cliente não escreve há mais de 24 h. Envie um modelo (template) aprovado.',
    false,
  ],
  131026: [
    'Message undeliverable',
    'Mensagem não entregue: o número pode não ter WhatsApp, não ter aceitado os termos atuais ou usar uma versão antiga do app.',
    false,
  ],
  131049: [
    'This message was not delivered to maintain healthy ecosystem engagement',
    'A Meta não entregou a mensagem para limitar o volume de marketing recebido pelo cliente. Tente mais tarde, não agora.',
    false,
  ],
  131050: [
    'User stopped marketing messages',
    'O cliente optou por não receber mensagens de marketing desta empresa.',
    false,
  ],
  131048: [
    'Spam rate limit hit',
    'Envio limitado pela Meta por baixa qualidade (muitos bloqueios ou denúncias). Verifique a qualidade do número.',
    false,
  ],
  131021: ['Recipient cannot be sender', 'O destinatário é o próprio número da empresa.', false],
  131031: ['Account has been locked', 'Conta do WhatsApp Business bloqueada pela Meta.', false],
  131042: ['Business eligibility payment issue', 'Problema de pagamento na conta do WhatsApp Business.', false],
  368: ['Temporarily blocked for policies violations', 'Conta temporariamente bloqueada por violação de políticas.', false],
  133010: ['Phone number not registered', 'O número da empresa não está registrado na Cloud API.', false],
  // Request, type and media
  100: ['Invalid parameter', 'Requisição inválida para a Meta (parâmetro incorreto).', false],
  131008: ['Required parameter is missing', 'Requisição incompleta para a Meta (parâmetro obrigatório ausente).', false],
  131009: ['Parameter value is not valid', 'Requisição inválida para a Meta (valor de parâmetro inválido).', false],
  131051: ['Unsupported message type', 'Tipo de mensagem não suportado pelo WhatsApp Cloud API.', false],
  131052: [
    'Media download error',
    'Não foi possível baixar a mídia enviada pelo cliente; peça que envie novamente.',
    false,
  ],
  131053: [
    'Media upload error',
    'Não foi possível enviar a mídia: formato ou tamanho não suportado pelo WhatsApp.',
    false,
  ],
  // Templates
  132000: ['Template Param Count Mismatch', `Quantidade de variáveis diferente da do modelo. ${TEMPLATE}`, false],
  132001: ['Template does not exist', `Modelo inexistente ou não aprovado neste idioma. ${TEMPLATE}`, false],
  132005: ['Template Hydrated Text Too Long', `Texto do modelo preenchido ficou longo demais. ${TEMPLATE}`, false],
  132007: ['Template Format Character Policy Violated', `Conteúdo do modelo viola a política de formatação. ${TEMPLATE}`, false],
  132012: ['Template Parameter Format Mismatch', `Formato das variáveis não corresponde ao modelo. ${TEMPLATE}`, false],
  132015: ['Template is Paused', `Modelo pausado por baixa qualidade. ${TEMPLATE}`, false],
  132016: ['Template is Disabled', `Modelo desativado por baixa qualidade. ${TEMPLATE}`, false],
};

export function errorReason(code: number, title?: string): ErrorReason {
  const known = KNOWN[code];
  if (known) return { code, title: title || known[0], reason: known[1], retryable: known[2] };
  // 200–299: Graph API permission family.
  if (code >= 200 && code <= 299) {
    return { code, title: title || 'API Permission', reason: `Permissão ausente ou revogada. ${RECONNECT}`, retryable: false };
  }
  // HTTP statuses that reach us without a Meta code (gateway errors, throttling proxies).
  if (code === 429) return { code, title: title || 'Too Many Requests', reason: RATE_LIMIT, retryable: true };
  if (code >= 500 && code <= 599) return { code, title: title || 'Server error', reason: TEMPORARY, retryable: true };
  return {
    code,
    title: title || `Error ${code}`,
    reason: title ? `Erro da Meta (${code}): ${title}` : `Erro da Meta (${code}).`,
    retryable: false,
  };
}
