const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Formatted by hand in UTC: server and browser then render the same text and hydration agrees.
function parts(iso: string) {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`,
  };
}

export function formatDate(iso: string): string {
  return parts(iso).date;
}

export function formatDateTime(iso: string): string {
  const { date, time } = parts(iso);
  return `${date}, ${time}`;
}

/** A date (or date and time) in a <time> element carrying the exact instant. */
export function Time({ value, withTime = false }: { value: string; withTime?: boolean }) {
  return <time dateTime={value}>{withTime ? formatDateTime(value) : formatDate(value)}</time>;
}
