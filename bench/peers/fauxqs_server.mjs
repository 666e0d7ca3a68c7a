// Starts the fauxqs SQS emulator on 127.0.0.1:PORT with request logging off (its CLI logs every
// request, which would measure the logger rather than the emulator). Prints "listening PORT".
import { buildApp } from "fauxqs";

const port = parseInt(process.argv[2] ?? "4566", 10);
const app = buildApp({ logger: false });
await app.listen({ port, host: "127.0.0.1" });
console.log(`listening ${port}`);
