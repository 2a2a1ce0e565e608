// LGPD access-request exports, one bounded step per queue message, each step enqueueing the next:
//   step 0     the contact's profile, notes, labels, deals, audit entries… staged in R2 (one small read);
//   step 1..n  one keyset page of messages (MESSAGES_PER_STEP) staged in R2, with the media it refers to;
//   last       the ZIP streamed into R2 (multipart) from the staged parts and the media objects, then the parts go.
// Database time per invocation is one page however many messages the contact has; 100,000 messages are 200 steps.
// Each step sends the next message before recording itself: a failure in between retries the step (its R2 writes
// are idempotent), and the extra message it sends finds `state.step` moved on and does nothing. A message that
// overtakes the commit of the step before it waits (retried) rather than being dropped.
import type { Db } from '../worker/db/client';
import { withOrg } from '../worker/db/tx';
import { contentCrypto } from '../worker/domain/content-crypto';
import { contactProfile, failExport, loadExport, messagesPage, saveStep, type ContactProfile, type ExportState, type MediaRef } from '../worker/domain/data-export-steps';
import { summaryHtml } from '../worker/domain/data-export-html';
import { EXPORT_TTL_MS, exportPrefix, exportZipKey } from '../worker/domain/data-exports';
import { openMessageMedia } from '../worker/domain/media';
import { deleteMediaObjects } from '../worker/domain/erasure';
import type { Env } from '../worker/env';
import { errorFields, type Logger } from '../worker/lib/log';
import { ZipToR2 } from '../worker/lib/zip-to-r2';
import type { Typed } from '.';
import { retryBase, retryDelay } from './retry';

export const MESSAGES_PER_STEP = 500;
/** Deliveries of one step before the export is marked failed (the admin can start another). */
const MAX_ATTEMPTS = 5;
/** How long a message that overtook the previous step's commit waits for it before being retried later. */
const OVERTAKE_TRIES = 20;
const OVERTAKE_WAIT_MS = 100;

type Step = Typed<'data_export.step'>['body'];
/** The step before this message's is not recorded yet (its commit is on its way): try again shortly. */
class NotYet extends Error {}
interface Part {
  conversationId: string;
  page: number;
  messages: unknown[];
  media: MediaRef[];
}

const pad = (n: number) => String(n).padStart(4, '0');
const partKey = (prefix: string, n: number) => `${prefix}parts/${String(n).padStart(6, '0')}.json`;
const profileKey = (prefix: string) => `${prefix}parts/profile.json`;
const json = (v: unknown) => JSON.stringify(v, null, 2);

export async function runDataExportSteps(items: Typed<'data_export.step'>[], env: Env, db: Db, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    try {
      await runStep(env, db, body);
      message.ack();
    } catch (err) {
      if (err instanceof NotYet) {
        message.retry({ delaySeconds: Math.max(1, retryBase(env)) });
        continue;
      }
      log.error('data export step failed', { ...errorFields(err), exportId: body.exportId, step: body.step, attempts: message.attempts });
      if (message.attempts >= MAX_ATTEMPTS) {
        await withOrg(db, body.organizationId, (tx) => failExport(tx, body.organizationId, body.exportId, 'A exportação falhou; tente novamente.'));
        message.ack();
      } else message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
    }
  }
}

/** The export row, waiting a moment for the previous step's commit when this message overtook it. */
async function currentRow(db: Db, body: Step) {
  for (let tries = 0; ; tries++) {
    const row = await withOrg(db, body.organizationId, (tx) => loadExport(tx, body.organizationId, body.exportId));
    if (!row || (row.state as ExportState).step >= body.step || tries >= OVERTAKE_TRIES) return row;
    await new Promise((r) => setTimeout(r, OVERTAKE_WAIT_MS));
  }
}

/** Runs the step the message names, once: done or superseded steps are no-ops. */
async function runStep(env: Env, db: Db, body: Step): Promise<void> {
  const { organizationId: orgId, exportId } = body;
  const row = await currentRow(db, body);
  if (!row || row.status === 'done' || row.status === 'failed') return;
  const state = row.state as ExportState;
  if (body.step < state.step) return;
  if (body.step > state.step) throw new NotYet();
  const prefix = exportPrefix(orgId, exportId);
  const sendNext = (step: number) => env.DATA_EXPORT_QUEUE.send({ ...body, step }, { contentType: 'json' });
  // The export holds plaintext: bodies and notes are opened as they are read (issue 21 §4).
  const crypto = contentCrypto(db, env.ENCRYPTION_MASTER_KEYS, orgId);

  if (body.step === 0) {
    const profile = row.contactId ? await withOrg(db, orgId, (tx) => contactProfile(tx, crypto, orgId, row.contactId!)) : undefined;
    if (!profile) {
      await withOrg(db, orgId, (tx) => failExport(tx, orgId, exportId, 'O contato não existe mais.'));
      return;
    }
    await env.MEDIA.put(profileKey(prefix), JSON.stringify(profile));
    const next: ExportState = {
      step: 1,
      conversationIds: profile.conversations.map((c) => c.id),
      conversation: 0,
      cursor: null,
      page: 0,
      parts: 0,
      messagesDone: 0,
      messagesTotal: profile.messagesTotal,
    };
    await sendNext(1);
    await withOrg(db, orgId, (tx) => saveStep(tx, orgId, exportId, 0, { status: 'running', progress: 2, state: next }));
    return;
  }

  if (state.conversation < state.conversationIds.length) {
    const conversationId = state.conversationIds[state.conversation]!;
    const page = await withOrg(db, orgId, (tx) => messagesPage(tx, crypto, orgId, conversationId, state.cursor, MESSAGES_PER_STEP));
    const next: ExportState = { ...state, step: state.step + 1, messagesDone: state.messagesDone + page.messages.length };
    if (page.messages.length > 0) {
      const part: Part = { conversationId, page: state.page + 1, messages: page.messages, media: page.media };
      await env.MEDIA.put(partKey(prefix, state.parts + 1), JSON.stringify(part));
      next.parts = state.parts + 1;
    }
    if (page.next) Object.assign(next, { cursor: page.next, page: state.page + 1 });
    else Object.assign(next, { conversation: state.conversation + 1, cursor: null, page: 0 });
    const progress = 2 + Math.floor((88 * Math.min(next.messagesDone, next.messagesTotal)) / Math.max(1, next.messagesTotal));
    await sendNext(next.step);
    await withOrg(db, orgId, (tx) => saveStep(tx, orgId, exportId, state.step, { progress, state: next }));
    return;
  }

  const key = exportZipKey(orgId, exportId);
  const { size } = await assemble(env, db, orgId, prefix, key, exportId, state);
  const now = new Date();
  await withOrg(db, orgId, (tx) =>
    saveStep(tx, orgId, exportId, state.step, {
      status: 'done',
      progress: 100,
      objectKey: key,
      sizeBytes: size,
      completedAt: now,
      expiresAt: new Date(now.getTime() + EXPORT_TTL_MS),
      state: { ...state, step: state.step + 1 },
    }),
  );
  // The staged parts hold the same data as the ZIP: gone as soon as it exists.
  const staged = [profileKey(prefix), ...Array.from({ length: state.parts }, (_, i) => partKey(prefix, i + 1))];
  await deleteMediaObjects(env.MEDIA, staged);
}

/** Streams the ZIP from the staged parts and the media objects into R2. */
async function assemble(env: Env, db: Db, orgId: string, prefix: string, key: string, exportId: string, state: ExportState) {
  const profileObject = await env.MEDIA.get(profileKey(prefix));
  if (!profileObject) throw new Error('export profile part missing');
  const profile = (await profileObject.json()) as ContactProfile;
  const zip = new ZipToR2(env.MEDIA, key);
  try {
    const { notes, deals, audit, auditTruncated, conversations, satisfaction, scheduledMessages, contact } = profile;
    await zip.addFile('contato.json', json(contact));
    await zip.addFile('consentimento.json', json({ registrado: false, explicacao: 'O Conversa não registra consentimento nem opt-out deste contato.' }));
    await zip.addFile('notas.json', json(notes));
    await zip.addFile('negocios.json', json(deals));
    await zip.addFile('conversas.json', json(conversations));
    await zip.addFile('satisfacao.json', json(satisfaction));
    await zip.addFile('mensagens-agendadas.json', json(scheduledMessages));
    await zip.addFile('auditoria.json', json({ entradas: audit, truncado: auditTruncated }));
    let mediaFiles = 0;
    const missing: string[] = [];
    for (let n = 1; n <= state.parts; n++) {
      const object = await env.MEDIA.get(partKey(prefix, n));
      if (!object) throw new Error(`export part ${n} missing`);
      const part = (await object.json()) as Part;
      await zip.addFile(`conversas/${part.conversationId}/mensagens-${pad(part.page)}.json`, json(part.messages));
      for (const m of part.media) {
        try {
          // Plaintext, streamed (decrypted chunk by chunk); a shredded key lands in the missing list like an erased file.
          const media = await openMessageMedia(env, db, orgId, { key: m.key, status: 'stored' });
          await zip.addStream(m.path, media.body);
          mediaFiles++;
        } catch {
          // Erased or lost since the page was read: listed as missing rather than failing the whole export.
          missing.push(m.path);
        }
      }
    }
    await zip.addFile('midias-ausentes.json', json(missing));
    await zip.addFile('resumo.html', summaryHtml(profile, { exportId, generatedAt: new Date(), mediaFiles, missingMedia: missing.length }));
    return await zip.finish();
  } catch (err) {
    await zip.abort();
    throw err;
  }
}
