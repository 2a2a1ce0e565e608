// The deals board: the pipelines, the shown pipeline's deals (every page, so the per-stage counts and totals are
// computed from the cards and stay exact through optimistic moves and live events), moves with rollback, and the
// `deal.*` / `pipeline.updated` events of the organisation's socket (polling while the socket is down).
import { computed, signal } from '@preact/signals';
import { ApiError } from '../api/client';
import {
  createDeal,
  listDealsApi,
  listPipelinesApi,
  updateDeal,
  type CreateDealBody,
  type DealCard,
  type DealEventData,
  type DealStatus,
  type Pipeline,
  type StageTotal,
  type UpdateDealBody,
} from '../api/crm';
import type { RealtimeEvent } from '../api/types';
import { inboxSocketState, onInboxEvent, onInboxSync, socketsDown } from './realtime';

/** More than this many deals in one view: the cards stop loading and the server's totals are shown instead. */
const MAX_CARDS = 2000;
const POLL_MS = 10_000;

export const pipelines = signal<Pipeline[] | null>(null);
export const pipelineId = signal<string | null>(null);
export const statusFilter = signal<DealStatus>('open');
export const deals = signal<DealCard[]>([]);
export const boardStatus = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
export const boardError = signal<unknown>(null);
/** Set when the view holds more deals than MAX_CARDS: then these (the server's, as of the load) are the totals. */
export const serverTotals = signal<StageTotal[] | null>(null);
/** The last move that failed and was rolled back (shown until the next move). */
export const moveError = signal<{ title: string; error: unknown } | null>(null);

export const pipeline = computed(() => pipelines.value?.find((p) => p.id === pipelineId.value) ?? null);

export interface ColumnTotal {
  count: number;
  /** Cents per currency, BRL first. */
  byCurrency: [string, number][];
}

export const columnTotals = computed<Map<string, ColumnTotal>>(() => {
  const out = new Map<string, ColumnTotal>();
  const add = (stageId: string, currency: string, count: number, cents: number) => {
    const col = out.get(stageId) ?? { count: 0, byCurrency: [] };
    col.count += count;
    const entry = col.byCurrency.find(([c]) => c === currency);
    if (entry) entry[1] += cents;
    else col.byCurrency.push([currency, cents]);
    out.set(stageId, col);
  };
  if (serverTotals.value) for (const t of serverTotals.value) add(t.stageId, t.currency, t.count, t.valueCents);
  else for (const d of deals.value) add(d.stageId, d.currency, 1, d.valueCents);
  for (const col of out.values()) col.byCurrency.sort(([a], [b]) => (a === 'BRL' ? -1 : b === 'BRL' ? 1 : a.localeCompare(b)));
  return out;
});

/** Deal id → the stage this browser moved it to, while the PATCH is on its way (socket echoes are ignored). */
const pendingMoves = new Map<string, string>();
let loadSeq = 0;

export async function loadPipelines(): Promise<void> {
  const { data } = await listPipelinesApi();
  pipelines.value = data;
  if (!data.some((p) => p.id === pipelineId.value)) pipelineId.value = (data.find((p) => p.isDefault) ?? data[0])?.id ?? null;
}

/** Every deal of the shown pipeline and status (pages of 100). */
export async function loadBoard(): Promise<void> {
  const id = pipelineId.value;
  const seq = ++loadSeq;
  if (!id) {
    deals.value = [];
    boardStatus.value = 'ready';
    return;
  }
  if (boardStatus.value !== 'ready') boardStatus.value = 'loading';
  try {
    const all: DealCard[] = [];
    let cursor: string | undefined;
    let totals: StageTotal[] = [];
    do {
      const page = await listDealsApi({ pipelineId: id, status: statusFilter.value, cursor, limit: 100 });
      if (seq !== loadSeq) return;
      if (!cursor) totals = page.totals;
      all.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && all.length < MAX_CARDS);
    serverTotals.value = cursor ? totals : null;
    // A move still on its way wins over the list read before it landed.
    deals.value = all.map((d) => (pendingMoves.has(d.id) ? { ...d, stageId: pendingMoves.get(d.id)! } : d));
    boardStatus.value = 'ready';
    boardError.value = null;
  } catch (err) {
    if (seq !== loadSeq) return;
    boardError.value = err;
    boardStatus.value = 'error';
  }
}

function belongsHere(d: Pick<DealCard, 'pipelineId'> & Partial<Pick<DealCard, 'status'>>): boolean {
  return d.pipelineId === pipelineId.value && (d.status === undefined || d.status === statusFilter.value);
}

/** Puts a card in (or takes it off) the board, whichever its pipeline and status say. */
function upsert(card: DealCard) {
  const rest = deals.value.filter((d) => d.id !== card.id);
  const old = deals.value.find((d) => d.id === card.id);
  // Events may overtake each other: never go back to an older version of a card.
  if (old && Date.parse(old.updatedAt) > Date.parse(card.updatedAt)) return;
  if (!belongsHere(card)) {
    if (old) deals.value = rest;
    return;
  }
  const shown = pendingMoves.has(card.id) ? { ...card, stageId: pendingMoves.get(card.id)! } : card;
  deals.value = old ? deals.value.map((d) => (d.id === card.id ? shown : d)) : [shown, ...rest];
}

/** Moves a card at once, then asks the server; puts it back and says why when the server refuses. */
export async function moveDeal(dealId: string, toStageId: string): Promise<void> {
  const card = deals.value.find((d) => d.id === dealId);
  if (!card || card.stageId === toStageId) return;
  const fromStageId = pendingMoves.get(dealId) ?? card.stageId;
  moveError.value = null;
  pendingMoves.set(dealId, toStageId);
  deals.value = deals.value.map((d) => (d.id === dealId ? { ...d, stageId: toStageId } : d));
  try {
    const { deal } = await updateDeal(dealId, { stageId: toStageId });
    if (pendingMoves.get(dealId) === toStageId) pendingMoves.delete(dealId);
    upsert(deal);
  } catch (err) {
    if (pendingMoves.get(dealId) !== toStageId) return; // a later move took over
    pendingMoves.delete(dealId);
    deals.value = deals.value.map((d) => (d.id === dealId ? { ...d, stageId: fromStageId } : d));
    moveError.value = { title: card.title, error: err };
    // The deal may be gone or changed meanwhile: the board shows the server's truth.
    if (err instanceof ApiError && err.status === 404) void loadBoard();
  }
}

export async function addDeal(body: CreateDealBody): Promise<DealCard> {
  const { deal } = await createDeal({ pipelineId: pipelineId.value ?? undefined, ...body });
  upsert(deal);
  return deal;
}

export async function editDeal(id: string, body: UpdateDealBody): Promise<DealCard> {
  const { deal } = await updateDeal(id, body);
  upsert(deal);
  return deal;
}

export function dropDeal(id: string) {
  deals.value = deals.value.filter((d) => d.id !== id);
}

function onEvent(e: RealtimeEvent) {
  if (e.type === 'pipeline.updated') {
    const { pipelineId: changed } = e.data as { pipelineId: string };
    void loadPipelines().then(() => (changed === pipelineId.value ? loadBoard() : undefined));
    return;
  }
  if (!e.type.startsWith('deal.')) return;
  const data = e.data as DealEventData;
  if (e.type === 'deal.deleted') {
    dropDeal(data.deal.id);
    return;
  }
  if ('title' in data.deal) upsert(data.deal);
}

let stopFns: (() => void)[] = [];
let pollTimer: ReturnType<typeof setInterval> | undefined;

/** While the board is on screen: live events, a reload after missed ones, polling while the socket is down. */
export function startBoard(): void {
  stopBoard();
  stopFns = [onInboxEvent(onEvent), onInboxSync(() => void loadBoard())];
  pollTimer = setInterval(() => {
    if (socketsDown(inboxSocketState.value) && !document.hidden && pendingMoves.size === 0) void loadBoard();
  }, POLL_MS);
}

export function stopBoard(): void {
  for (const fn of stopFns) fn();
  stopFns = [];
  clearInterval(pollTimer);
}
