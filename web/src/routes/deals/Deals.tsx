// /deals: the sales board. One column per stage (count and total value per currency), cards moved by drag and drop
// or, for keyboards and phones, by each card's "Mover para…" select; live through the organisation's socket.
import '../../i18n/messages/crm';
import { signal } from '@preact/signals';
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DealCard, DealStatus, Stage } from '../../api/crm';
import { errorText, t } from '../../i18n';
import {
  boardError,
  boardStatus,
  columnTotals,
  deals,
  loadBoard,
  loadPipelines,
  moveDeal,
  moveError,
  pipeline,
  pipelineId,
  pipelines,
  serverTotals,
  startBoard,
  statusFilter,
  stopBoard,
} from '../../state/deals';
import { loadMembers } from '../../state/members';
import { DealDialog } from './DealDialog';
import { formatMoney } from './money';
import '../crm.css';

const STATUSES: DealStatus[] = ['open', 'won', 'lost'];
/** The card being dragged (dataTransfer is unreadable during dragover). */
const dragging = signal<string | null>(null);
/** What the screen reader hears after a move. */
const announcement = signal('');
/** A card moved with its select lands in another column (a new element): its select gets the focus back there. */
const refocus = signal<string | null>(null);

export function Deals() {
  const { query, route, path } = useLocation();
  const [creating, setCreating] = useState(false);
  const openId = query.deal ?? null;

  useEffect(() => {
    startBoard();
    void loadMembers();
    void loadPipelines()
      .then(() => {
        if (query.pipeline && pipelines.value?.some((p) => p.id === query.pipeline)) pipelineId.value = query.pipeline;
        return loadBoard();
      })
      .catch((err) => {
        boardError.value = err;
        boardStatus.value = 'error';
      });
    return stopBoard;
  }, []);
  useEffect(() => {
    document.title = `${t('crm.deals')} · ${t('app.name')}`;
  });

  const p = pipeline.value;
  const openDeal = (id: string | null) => route(id ? `${path}?deal=${id}` : path, !id);
  return (
    <div class="crm-board-page" data-testid="deals-page">
      <header class="crm-head board-head">
        <h1>{t('crm.deals')}</h1>
        <label class="field-inline board-filter">
          <span class="sr-only">{t('crm.pipeline')}</span>
          <select
            value={pipelineId.value ?? ''}
            onChange={(e) => {
              pipelineId.value = e.currentTarget.value;
              void loadBoard();
            }}
            data-testid="pipeline-select"
          >
            {(pipelines.value ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field-inline board-filter">
          <span class="sr-only">{t('crm.statusFilter')}</span>
          <select
            value={statusFilter.value}
            onChange={(e) => {
              statusFilter.value = e.currentTarget.value as DealStatus;
              void loadBoard();
            }}
            data-testid="status-filter"
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`crm.statusPlural.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="btn btn-primary board-new" disabled={!p} onClick={() => setCreating(true)} data-testid="new-deal">
          {t('crm.newDeal')}
        </button>
      </header>
      {boardStatus.value === 'error' && (
        <p class="alert alert-error board-alert" role="alert">
          {errorText(boardError.value)}
        </p>
      )}
      {moveError.value && (
        <div class="alert alert-error board-alert crm-dismissable" role="alert" data-testid="move-error">
          <span>{t('crm.moveFailed', { title: moveError.value.title, error: errorText(moveError.value.error) })}</span>
          <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => (moveError.value = null)}>
            ×
          </button>
        </div>
      )}
      {serverTotals.value && <p class="alert alert-info board-alert">{t('crm.tooManyDeals')}</p>}
      <p class="sr-only" role="status" aria-live="polite">
        {announcement.value}
      </p>
      {p && (
        <div class="board" aria-busy={boardStatus.value === 'loading'} data-testid="board">
          {p.stages.map((s) => (
            <Column key={s.id} stage={s} stages={p.stages} cards={deals.value.filter((d) => d.stageId === s.id)} onOpen={openDeal} />
          ))}
        </div>
      )}
      {pipelines.value && pipelines.value.length === 0 && <p class="crm-empty">{t('crm.noPipelines')}</p>}
      {creating && p && <DealDialog stages={p.stages} onClose={() => setCreating(false)} />}
      {openId && p && <DealDialog key={openId} dealId={openId} stages={p.stages} onClose={() => openDeal(null)} />}
    </div>
  );
}

function Column({ stage, stages, cards, onOpen }: { stage: Stage; stages: Stage[]; cards: DealCard[]; onOpen: (id: string) => void }) {
  const [over, setOver] = useState(false);
  const total = columnTotals.value.get(stage.id);
  const headingId = `stage-${stage.id}`;
  return (
    <section
      class={`board-col${over ? ' is-over' : ''}`}
      aria-labelledby={headingId}
      data-testid="stage-column"
      data-stage={stage.name}
      onDragOver={(e) => {
        if (!dragging.value) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const id = e.dataTransfer?.getData('text/plain') || dragging.value;
        dragging.value = null;
        if (id) move(id, stage);
      }}
    >
      <header class="board-col-head">
        <h2 id={headingId}>{stage.name}</h2>
        <span class="badge board-count" data-testid="stage-count" aria-label={t('crm.dealCount', { n: total?.count ?? 0 })}>
          {total?.count ?? 0}
        </span>
        <p class="board-total" data-testid="stage-total">
          {total && total.byCurrency.length ? total.byCurrency.map(([cur, cents]) => formatMoney(cents, cur)).join(' + ') : formatMoney(0, 'BRL')}
        </p>
      </header>
      <ul class="board-cards">
        {cards.map((d) => (
          <Card key={d.id} deal={d} stages={stages} onOpen={onOpen} />
        ))}
      </ul>
    </section>
  );
}

function move(dealId: string, to: Stage) {
  const card = deals.value.find((d) => d.id === dealId);
  if (!card || card.stageId === to.id) return;
  announcement.value = t('crm.moved', { title: card.title, stage: to.name });
  void moveDeal(dealId, to.id);
}

function Card({ deal, stages, onOpen }: { deal: DealCard; stages: Stage[]; onOpen: (id: string) => void }) {
  const selectId = `move-${deal.id}`;
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (refocus.value !== deal.id) return;
    refocus.value = null;
    select.current?.focus();
  }, [deal.stageId]);
  return (
    <li
      class={`deal-card${dragging.value === deal.id ? ' is-dragging' : ''}`}
      draggable
      onDragStart={(e) => {
        dragging.value = deal.id;
        if (e.dataTransfer) {
          e.dataTransfer.setData('text/plain', deal.id);
          e.dataTransfer.effectAllowed = 'move';
        }
      }}
      onDragEnd={() => (dragging.value = null)}
      data-testid="deal-card"
      data-deal={deal.id}
    >
      <button type="button" class="deal-title" onClick={() => onOpen(deal.id)}>
        {deal.title}
      </button>
      <p class="deal-value">{formatMoney(deal.valueCents, deal.currency)}</p>
      {deal.contact && (
        <p class="deal-meta">
          <a href={`/contacts/${deal.contact.id}`} draggable={false}>
            {deal.contact.name ?? '—'}
          </a>
        </p>
      )}
      <p class="deal-meta">{deal.owner ? t('crm.ownerIs', { name: deal.owner.name ?? '—' }) : t('crm.noOwner')}</p>
      <label class="deal-move" for={selectId}>
        <span class="sr-only">{t('crm.moveDeal', { title: deal.title })}</span>
        <select
          id={selectId}
          ref={select}
          value={deal.stageId}
          onChange={(e) => {
            const to = stages.find((s) => s.id === e.currentTarget.value);
            if (!to) return;
            refocus.value = deal.id;
            move(deal.id, to);
          }}
          data-testid="move-select"
        >
          <option value={deal.stageId} disabled>
            {t('crm.moveTo')}
          </option>
          {stages
            .filter((s) => s.id !== deal.stageId)
            .map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
        </select>
      </label>
    </li>
  );
}
