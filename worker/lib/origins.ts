// The web app's origins, from APP_URL (comma-separated when it is served from several, e.g. a custom domain and
// its Pages preview). CORS and the cookie endpoints' Origin check trust these.
export function appOrigins(appUrl: string | undefined): string[] {
  return (appUrl ?? '').split(',').flatMap((u) => {
    try {
      return [new URL(u.trim()).origin];
    } catch {
      return [];
    }
  });
}

/** Where links in e-mails point: the first of APP_URL's entries. */
export function appLinkBase(appUrl: string): string {
  return (appUrl.split(',')[0] ?? '').trim().replace(/\/$/, '');
}
