// A small client-side router over the History API: the server answers index.html for
// every path outside /api, so /tasks/abc can be reloaded or shared.
import { useEffect, useState } from 'react';

const EVENT = 'dth-navigate';

export function navigate(path: string, replace = false) {
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(EVENT));
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname + window.location.search);
  useEffect(() => {
    const update = () => setPath(window.location.pathname + window.location.search);
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return path;
}

// Follows a Cloudscape link or button with href inside the app (no page load).
export function follow(event: CustomEvent<{ href?: string; external?: boolean }>) {
  const href = event.detail.href;
  if (!href || event.detail.external || href.startsWith('/api') || href === '/metrics' || href.startsWith('/docs')) return;
  event.preventDefault();
  navigate(href);
}
