import { main } from "./main.js";

// A reader that stops early (`sikkerkey audit export | head`) is not a failure of ours.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const code = await main(process.argv);
// Exit once stdout and stderr have flushed: a pipe must get every byte, and no idle
// keep-alive socket may hold the process open.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
