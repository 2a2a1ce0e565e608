import { useLocation } from 'preact-iso';
import { useLayoutEffect } from 'preact/hooks';

/**
 * Navigates (replacing the history entry) once, when it mounts. Once only: while a lazy page loads, the router keeps
 * rendering the previous page with the new location, and a second redirect computed from it would be wrong.
 */
export function Redirect({ to }: { to: string }) {
  const { route } = useLocation();
  useLayoutEffect(() => route(to, true), []);
  return null;
}
