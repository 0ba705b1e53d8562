/** Plain aligned text tables for the terminal: first column left, the others right-aligned. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** 12345.6 → "12,346" */
export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatMicros(messagesPerSecond: number): string {
  const micros = 1e6 / messagesPerSecond;
  return micros >= 100 ? micros.toFixed(0) : micros.toFixed(2);
}

export function formatRatio(ratio: number): string {
  return ratio >= 10 ? `${ratio.toFixed(0)}×` : `${ratio.toFixed(2)}×`;
}
