// The Node.js handler of bench/run runtime-latency: answers with the event it got.
export const handler = async (event) => event;
