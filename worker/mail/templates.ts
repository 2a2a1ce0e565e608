// Mail texts, Portuguese first (the organisation's locale), English available.
type Locale = 'pt-BR' | 'en';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

function layout(paragraphs: string[], link: { href: string; label: string }) {
  const text = [...paragraphs, '', link.href].join('\n');
  const html = `<div style="font-family:system-ui,sans-serif;max-width:32rem">${paragraphs
    .map((p) => `<p>${escape(p)}</p>`)
    .join('')}<p><a href="${escape(link.href)}">${escape(link.label)}</a></p></div>`;
  return { text, html };
}

export function passwordResetMail(locale: Locale, link: string) {
  if (locale === 'en') {
    return {
      subject: 'Reset your Conversa password',
      ...layout(
        ['Someone asked to reset the password of your Conversa account.', 'The link is valid for 1 hour and works once. If it was not you, ignore this e-mail.'],
        { href: link, label: 'Choose a new password' },
      ),
    };
  }
  return {
    subject: 'Redefina sua senha do Conversa',
    ...layout(
      ['Recebemos um pedido para redefinir a senha da sua conta no Conversa.', 'O link vale por 1 hora e pode ser usado uma vez. Se não foi você, ignore este e-mail.'],
      { href: link, label: 'Escolher uma nova senha' },
    ),
  };
}

export function invitationMail(locale: Locale, orgName: string, inviter: string, link: string) {
  if (locale === 'en') {
    return {
      subject: `${inviter} invited you to ${orgName} on Conversa`,
      ...layout([`${inviter} invited you to answer customers of ${orgName} on Conversa.`, 'The invitation is valid for 7 days.'], {
        href: link,
        label: 'Accept the invitation',
      }),
    };
  }
  return {
    subject: `${inviter} convidou você para ${orgName} no Conversa`,
    ...layout([`${inviter} convidou você para atender os clientes de ${orgName} no Conversa.`, 'O convite vale por 7 dias.'], {
      href: link,
      label: 'Aceitar o convite',
    }),
  };
}

export function localeOf(value: string | null | undefined): Locale {
  return value?.toLowerCase().startsWith('en') ? 'en' : 'pt-BR';
}
