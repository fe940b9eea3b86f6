/**
 * `YYYY-MM-DD HH:MM:SS.mmm` in local time, the format AgentScope's Python Msg
 * writes, so timestamps from both runtimes sort and parse alike.
 */
export function formatTimestamp(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.` +
    String(date.getMilliseconds()).padStart(3, "0")
  );
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
