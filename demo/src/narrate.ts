/** The demo's voice: numbered steps, the command that ran, what it showed. */
const useColor = process.stdout.isTTY && !process.env["NO_COLOR"];
const paint = (code: string, text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);

let step = 0;
const started = Date.now();

export function title(text: string): void {
  console.log(`\n${paint("1", text)}\n`);
}

export function say(text: string): void {
  step += 1;
  const elapsed = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`${paint("2", `[${elapsed}s]`)} ${paint("1;36", `${step}.`)} ${text}`);
}

export function shell(command: string): void {
  console.log(`       ${paint("2", "$")} ${command}`);
}

export function show(text: string): void {
  for (const line of text.trimEnd().split("\n")) console.log(`       ${paint("33", line)}`);
}

export function ok(text: string): void {
  console.log(`       ${paint("32", "✓")} ${text}`);
}

export function elapsedSeconds(): number {
  return (Date.now() - started) / 1000;
}
