import { createRoot } from 'react-dom/client';
import { Client, Provider, cacheExchange, fetchExchange } from 'urql';
import i18n from './i18n.ts';
import { App } from './App.tsx';
import { getSession } from './session.ts';
import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';

// One client, explicit exchanges; the request's language follows the UI's so server messages match it.
// cache-and-network: a panel opened again shows what it had at once and asks again, so data that changed since
// (an import, a correction, another office's publication: none of them returns the types the panel shows, which
// is all the document cache watches) appears without a reload.
const client = new Client({
  url: '/graphql',
  exchanges: [cacheExchange, fetchExchange],
  requestPolicy: 'cache-and-network',
  fetchOptions: () => {
    const token = getSession()?.token;
    return { headers: { 'accept-language': i18n.language, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  },
});

createRoot(document.getElementById('root')!).render(
  <Provider value={client}>
    <App />
  </Provider>,
);
