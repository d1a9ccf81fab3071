import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { Client, Provider, cacheExchange, fetchExchange } from 'urql';
import i18n from './i18n.ts';
import { App } from './App.tsx';
import { getSession } from './session.ts';
import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';

// One client per interface language, explicit exchanges: the request's language is the UI's, so server-written
// text (messages, explanations, source titles) matches it, and switching language never shows answers cached in
// the other one.
// cache-and-network: a panel opened again shows what it had at once and asks again, so data that changed since
// (an import, a correction, another office's publication: none of them returns the types the panel shows, which
// is all the document cache watches) appears without a reload.
const clientFor = (lang: string) => new Client({
  url: '/graphql',
  exchanges: [cacheExchange, fetchExchange],
  requestPolicy: 'cache-and-network',
  fetchOptions: () => {
    const token = getSession()?.token;
    return { headers: { 'accept-language': lang, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  },
});
const clients = new Map<string, Client>();

function Root() {
  const { i18n: current } = useTranslation();
  const lang = current.language || i18n.language;
  if (!clients.has(lang)) clients.set(lang, clientFor(lang));
  return (
    <Provider value={clients.get(lang)!}>
      <App />
    </Provider>
  );
}

createRoot(document.getElementById('root')!).render(<Root />);
