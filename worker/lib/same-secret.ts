// Comparing a presented secret with the expected one without leaking, through timing, how much of it matched:
// both are hashed to the same length, then compared with workerd's crypto.subtle.timingSafeEqual.
const encoder = new TextEncoder();

export async function sameSecret(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(presented)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b) && expected.length > 0;
}
