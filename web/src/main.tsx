import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type Health = { status: string; db: string; version: string; reason?: string };

// Placeholder until the agent app lands: shows that the API and its database answer.
function App() {
  const [health, setHealth] = useState<Health | { error: string } | null>(null);
  useEffect(() => {
    fetch('/health')
      .then((r) => r.json() as Promise<Health>)
      .then(setHealth, (e: Error) => setHealth({ error: e.message }));
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '40rem', margin: '4rem auto', padding: '0 1rem' }}>
      <h1>Conversa</h1>
      <p>Atendimento ao cliente pelo WhatsApp, em equipe.</p>
      <p aria-live="polite">
        {health === null
          ? 'Verificando a API…'
          : 'error' in health
            ? `API indisponível: ${health.error}`
            : `API ${health.status === 'ok' ? 'no ar' : 'com problemas'} · banco de dados: ${health.db} · versão ${health.version}`}
      </p>
    </main>
  );
}

render(<App />, document.getElementById('app')!);
