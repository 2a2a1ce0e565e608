// Settings → Funis de vendas: the organisation's pipelines and their ordered stages (what the deals board shows as
// columns). Rename, reorder with up/down buttons (keyboard and touch friendly, no drag needed), add and delete stages
// with their win probability; create pipelines, pick the default one, delete empty ones. The API refuses what would
// orphan deals (a stage or pipeline that still has deals, the last stage, the default pipeline) and says why.
import { useEffect, useState } from 'preact/hooks';
import { api, del, get, patch, post } from '../../api/client';
import type { Pipeline, Stage } from '../../api/crm';
import type { Page } from '../../api/types';
import { errorText, t } from '../../i18n';
import { describedBy, Field, Heading, Notice, SaveCancel } from './common';

type Say = (result: { ok?: string; error?: string }) => void;

export function Pipelines() {
  const [list, setList] = useState<Pipeline[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const load = async () => {
    try {
      setList((await get<Page<Pipeline>>('/api/v1/pipelines')).data);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => void load(), []);

  /** Runs a change, reports it, and reloads the list (the server's order and rules are the truth). */
  const say: Say = ({ ok: message, error: failure }) => {
    setOk(message ?? null);
    setError(failure ?? null);
    void load();
  };

  return (
    <div class="stack">
      <Heading intro={t('pipelines.intro')}>{t('pipelines.title')}</Heading>
      <Notice error={error} ok={ok} />
      {creating ? (
        <NewPipeline onDone={(message) => (setCreating(false), say({ ok: message }))} onCancel={() => setCreating(false)} />
      ) : (
        <div>
          <button type="button" class="btn btn-primary" onClick={() => (setOk(null), setCreating(true))} data-testid="pipeline-new">
            {t('pipelines.new')}
          </button>
        </div>
      )}
      {list === null ? (
        !error && <p aria-busy="true">{t('common.loading')}</p>
      ) : (
        list.map((p) => <PipelineCard key={p.id} pipeline={p} say={say} />)
      )}
    </div>
  );
}

async function attempt(say: Say, fn: () => Promise<unknown>, ok: string) {
  try {
    await fn();
    say({ ok });
  } catch (err) {
    say({ error: errorText(err) });
  }
}

function PipelineCard({ pipeline: p, say }: { pipeline: Pipeline; say: Say }) {
  const [name, setName] = useState(p.name);
  useEffect(() => setName(p.name), [p.name]);
  const base = `/api/v1/pipelines/${p.id}`;
  const idp = `pipeline-${p.id}`;

  const rename = (e: Event) => {
    e.preventDefault();
    void attempt(say, () => patch(base, { name }), t('pipelines.renamed', { name: name.trim() }));
  };
  const remove = () => {
    if (!confirm(t('pipelines.deleteConfirm', { name: p.name }))) return;
    void attempt(say, () => del(base), t('pipelines.deleted', { name: p.name }));
  };
  const move = (index: number, delta: number) => {
    const ids = p.stages.map((s) => s.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + delta, 0, id!);
    void attempt(say, () => api('PUT', `${base}/stages/order`, { body: { stageIds: ids } }), t('pipelines.reordered'));
  };

  return (
    <section class="card stack" aria-labelledby={`${idp}-title`} data-testid="pipeline-card" data-name={p.name}>
      <div class="pipeline-head">
        <h3 id={`${idp}-title`}>
          {p.name} {p.isDefault && <span class="badge">{t('pipelines.default')}</span>}
        </h3>
        <div class="button-row">
          {!p.isDefault && (
            <button type="button" class="btn btn-small" onClick={() => void attempt(say, () => patch(base, { isDefault: true }), t('pipelines.madeDefault', { name: p.name }))}>
              {t('pipelines.makeDefault')}
            </button>
          )}
          <button type="button" class="btn btn-small btn-danger" onClick={remove} aria-label={t('pipelines.deleteOne', { name: p.name })}>
            {t('action.delete')}
          </button>
        </div>
      </div>
      <form class="inline-form" onSubmit={rename}>
        <Field id={`${idp}-name`} label={t('pipelines.name')}>
          <input id={`${idp}-name`} required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
        </Field>
        <button type="submit" class="btn" disabled={name.trim() === p.name || !name.trim()}>
          {t('pipelines.rename')}
        </button>
      </form>
      <ol class="stage-list" aria-label={t('pipelines.stagesOf', { name: p.name })} data-testid="stage-list">
        {p.stages.map((s, i) => (
          <StageRow key={s.id} base={base} stage={s} first={i === 0} last={i === p.stages.length - 1} onMove={(d) => move(i, d)} say={say} />
        ))}
      </ol>
      <NewStage base={base} say={say} idp={idp} />
    </section>
  );
}

function StageRow({ base, stage: s, first, last, onMove, say }: { base: string; stage: Stage; first: boolean; last: boolean; onMove: (delta: number) => void; say: Say }) {
  const [name, setName] = useState(s.name);
  const [probability, setProbability] = useState(s.probability === null ? '' : String(s.probability));
  useEffect(() => {
    setName(s.name);
    setProbability(s.probability === null ? '' : String(s.probability));
  }, [s.name, s.probability]);
  const id = `stage-${s.id}`;
  const changed = name.trim() !== s.name || probability !== (s.probability === null ? '' : String(s.probability));

  const save = (e: Event) => {
    e.preventDefault();
    const body = { name, probability: probability === '' ? null : Number(probability) };
    void attempt(say, () => patch(`${base}/stages/${s.id}`, body), t('pipelines.stageSaved', { name: name.trim() }));
  };
  const remove = () => {
    if (!confirm(t('pipelines.stageDeleteConfirm', { name: s.name }))) return;
    void attempt(say, () => del(`${base}/stages/${s.id}`), t('pipelines.stageDeleted', { name: s.name }));
  };

  return (
    <li class="stage-row" data-testid="stage-row" data-name={s.name}>
      <form class="stage-form" onSubmit={save}>
        <label class="sr-only" for={`${id}-name`}>
          {t('pipelines.stageName')}
        </label>
        <input id={`${id}-name`} required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
        <label class="stage-prob">
          <span class="sr-only">{t('pipelines.probability')}</span>
          <input type="number" min={0} max={100} step={1} inputMode="numeric" value={probability} onInput={(e) => setProbability(e.currentTarget.value)} placeholder="—" />
          <span aria-hidden="true">%</span>
        </label>
        <button type="submit" class="btn btn-small" disabled={!changed || !name.trim()}>
          {t('common.save')}
        </button>
      </form>
      <div class="button-row">
        <button type="button" class="icon-btn" disabled={first} onClick={() => onMove(-1)} aria-label={t('pipelines.moveUp', { name: s.name })}>
          ↑
        </button>
        <button type="button" class="icon-btn" disabled={last} onClick={() => onMove(1)} aria-label={t('pipelines.moveDown', { name: s.name })}>
          ↓
        </button>
        <button type="button" class="btn btn-small btn-danger" onClick={remove} aria-label={t('pipelines.stageDeleteOne', { name: s.name })}>
          {t('action.delete')}
        </button>
      </div>
    </li>
  );
}

function NewStage({ base, say, idp }: { base: string; say: Say; idp: string }) {
  const [name, setName] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    const stage = name.trim();
    void attempt(say, () => post(`${base}/stages`, { name: stage }), t('pipelines.stageAdded', { name: stage })).then(() => setName(''));
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <Field id={`${idp}-new-stage`} label={t('pipelines.addStage')}>
        <input id={`${idp}-new-stage`} required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" data-testid="stage-new-name" />
      </Field>
      <button type="submit" class="btn" disabled={!name.trim()} data-testid="stage-add">
        {t('pipelines.add')}
      </button>
    </form>
  );
}

function NewPipeline({ onDone, onCancel }: { onDone: (message: string) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [stages, setStages] = useState(t('pipelines.defaultStages'));
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const list = stages
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => ({ name: s }));
    try {
      await post('/api/v1/pipelines', { name, stages: list });
      onDone(t('pipelines.created', { name: name.trim() }));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="form card" onSubmit={submit} aria-labelledby="pipeline-new-title" data-testid="pipeline-form">
      <h3 id="pipeline-new-title">{t('pipelines.new')}</h3>
      <Field id="pipeline-new-name" label={t('pipelines.name')}>
        <input id="pipeline-new-name" required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
      </Field>
      <Field id="pipeline-new-stages" label={t('pipelines.stagesField')} hint={t('pipelines.stagesHint')}>
        <textarea id="pipeline-new-stages" rows={5} value={stages} onInput={(e) => setStages(e.currentTarget.value)} {...describedBy('pipeline-new-stages', true, undefined)} />
      </Field>
      <Notice error={error} />
      <SaveCancel onCancel={onCancel} />
    </form>
  );
}
